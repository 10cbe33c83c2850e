/* Reading AWS XML answers with libxml2: safe parsing and small tree helpers
 * that match elements by local name. */
#include "aws/xml.h"

#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "aws/error.h"
#include "aws/xalloc.h"

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init_once(void)
{
	xmlInitParser();
}

/* Copies libxml2's message without its trailing newline. */
static void copy_message(char *dst, size_t size, const char *msg)
{
	size_t n;

	snprintf(dst, size, "%s", msg ? msg : "unknown error");
	n = strlen(dst);
	while (n > 0 && (dst[n - 1] == '\n' || dst[n - 1] == '\r' || dst[n - 1] == ' '))
		dst[--n] = '\0';
}

/* Parses without network access, without loading any DTD and without
 * substituting entities; a document that declares a DTD is refused outright
 * (AWS never sends one), which rules out entity tricks. */
xmlDocPtr xml_parse(const char *data, size_t len, const char *operation, struct aws_error *err)
{
	xmlParserCtxtPtr ctxt = NULL;
	xmlDocPtr doc = NULL;
	char msg[256];

	pthread_once(&xml_once, xml_init_once);
	if (operation && *operation)
		error_set_operation(err, operation);
	if (len > INT_MAX) {
		error_set(err, ERR_PARSE, "XML response too large (%zu bytes)", len);
		goto out;
	}
	ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		error_set(err, ERR_PARSE, "cannot create an XML parser");
		goto out;
	}
	doc = xmlCtxtReadMemory(ctxt, data ? data : "", (int)len, NULL, NULL,
	                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
	                            XML_PARSE_NOCDATA);
	if (!doc || !ctxt->wellFormed) {
		copy_message(msg, sizeof(msg), ctxt->lastError.message);
		error_set(err, ERR_PARSE, "malformed XML in the response: %s (line %d)", msg,
		          ctxt->lastError.line);
	} else if (doc->intSubset || doc->extSubset) {
		error_set(err, ERR_PARSE, "XML response with a DTD refused");
	} else if (!xmlDocGetRootElement(doc)) {
		error_set(err, ERR_PARSE, "XML response without a root element");
	} else {
		goto out;
	}
	xmlFreeDoc(doc);
	doc = NULL;
out:
	if (ctxt)
		xmlFreeParserCtxt(ctxt);
	return doc;
}

int xml_is(xmlNodePtr node, const char *name)
{
	return node && node->type == XML_ELEMENT_NODE &&
	       strcmp((const char *)node->name, name) == 0;
}

xmlNodePtr xml_child(xmlNodePtr node, const char *name)
{
	if (!node)
		return NULL;
	for (xmlNodePtr c = node->children; c; c = c->next)
		if (xml_is(c, name))
			return c;
	return NULL;
}

xmlNodePtr xml_path(xmlNodePtr node, ...)
{
	va_list ap;
	const char *name;

	va_start(ap, node);
	while (node && (name = va_arg(ap, const char *)) != NULL)
		node = xml_child(node, name);
	va_end(ap);
	return node;
}

xmlNodePtr xml_next_same(xmlNodePtr node)
{
	if (!node)
		return NULL;
	for (xmlNodePtr s = node->next; s; s = s->next)
		if (xml_is(s, (const char *)node->name))
			return s;
	return NULL;
}

char *xml_text(xmlNodePtr node)
{
	xmlChar *content;
	char *s;

	if (!node)
		return NULL;
	content = xmlNodeGetContent(node);
	s = xstrdup(content ? (const char *)content : "");
	xmlFree(content);
	return s;
}

char *xml_child_text(xmlNodePtr node, const char *name)
{
	return xml_text(xml_child(node, name));
}

void xml_child_copy(char *dst, size_t size, xmlNodePtr node, const char *name)
{
	char *s;

	if (size == 0)
		return;
	s = xml_child_text(node, name);
	snprintf(dst, size, "%s", s ? s : "");
	free(s);
}
