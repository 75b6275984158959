/*
 * nearest.c - edit distance for "did you mean" (nearest.h).  Names are
 * compared byte by byte: "ae" written for "æ" is two edits, still a slip.
 */
#include <string.h>

#include "nearest.h"

size_t nearest_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[256];
	if (la >= 256 || lb >= 256)
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diagonal = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t above = row[j];
			size_t best = diagonal + (a[i - 1] != b[j - 1]);
			if (above + 1 < best)
				best = above + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diagonal = above;
		}
	}
	return row[lb];
}

int nearest_is_slip(const char *name, size_t d)
{
	return d > 0 && d <= 3 && d * 3 <= strlen(name);
}

const char *nearest_name(const char *name, const char *const *candidates, size_t count)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1;
	for (size_t i = 0; i < count; i++) {
		size_t d = nearest_distance(name, candidates[i]);
		if (d < best_d) {
			best_d = d;
			best = candidates[i];
		}
	}
	return best && nearest_is_slip(name, best_d) ? best : NULL;
}
