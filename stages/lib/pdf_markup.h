/*
 * pdf_markup.h - a few lines of plain-text markup turned into pdf blocks,
 * so letter texts (forms/letters/) can be written and edited as text.
 *
 *   # Overskrift              heading, level 1
 *   ## Underoverskrift        heading, level 2
 *   - punkt                   bullet item (one line each)
 *   > note                    small grey paragraph
 *   | a | b |                 table row; a row followed by |---|------|
 *   |---|------|              is the header, and the dashes give the widths
 *   tekst                     paragraph; lines run together until a blank line
 *   tekst \                   a backslash at the end of a line breaks the line
 *   **fed**                   bold inside any line
 *   \* \| \# \- \\ \>          the character itself;  \n  a line break
 *
 * Values put into a template must go through pdf_markup_escape() so a
 * field like "# hej" or "**" is printed as typed, never read as markup.
 */
#ifndef SKEMA_PDF_MARKUP_H
#define SKEMA_PDF_MARKUP_H

#include "pdf.h"
#include "strbuf.h"

/* Appends the blocks of text to doc.  Returns 0, or -1 when out of memory. */
int pdf_markup(struct pdf_doc *doc, const char *text);

/* A template_escape_fn: escapes text for the markup (user is unused). */
int pdf_markup_escape(struct strbuf *out, const char *text, void *user);

#endif
