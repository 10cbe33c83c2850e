/* Reading AWS XML answers with libxml2. Names match local names, ignoring
 * namespaces (EC2 answers are namespaced, S3's and IAM's too). */
#ifndef VPCFLOW_AWS_XML_H
#define VPCFLOW_AWS_XML_H

#include <stddef.h>

#include <libxml/tree.h>

struct aws_error;

/* Parses len bytes without network access or entity expansion. Returns NULL
 * and sets err (ERR_PARSE, naming operation) on malformed XML. */
xmlDocPtr xml_parse(const char *data, size_t len, const char *operation, struct aws_error *err);
/* The first element child of node called name, or NULL. */
xmlNodePtr xml_child(xmlNodePtr node, const char *name);
/* Follows a path of element names: xml_path(root, "Errors", "Error", "Code", NULL). */
xmlNodePtr xml_path(xmlNodePtr node, ...) __attribute__((sentinel));
/* The next element sibling after node with the same name, or NULL. */
xmlNodePtr xml_next_same(xmlNodePtr node);
/* The text content of node, owned by the caller (xstrdup'd); NULL if node is NULL. */
char *xml_text(xmlNodePtr node);
/* The text of the child called name, owned by the caller, or NULL. */
char *xml_child_text(xmlNodePtr node, const char *name);
/* Copies the text of the child called name into dst (truncating); "" if absent. */
void xml_child_copy(char *dst, size_t size, xmlNodePtr node, const char *name);
/* Whether node is an element called name. */
int xml_is(xmlNodePtr node, const char *name);

#endif
