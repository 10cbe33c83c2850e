/* "Did you mean": the nearest names to a misspelt one. */
#ifndef VPCFLOW_ENGINE_SUGGEST_H
#define VPCFLOW_ENGINE_SUGGEST_H

#include <stddef.h>

/* Optimal string alignment distance (Damerau-Levenshtein with adjacent
 * transpositions), case-insensitive. */
size_t suggest_distance(const char *a, const char *b);
/* The candidate nearest to word, if it is near enough to be a likely typo
 * (at most one edit for short words, a third of the length plus one for
 * longer ones, never more than three); NULL otherwise. candidates is a
 * NULL-terminated array. */
const char *suggest_nearest(const char *word, const char *const *candidates);

#endif
