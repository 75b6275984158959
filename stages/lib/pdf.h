/*
 * pdf.h - a small page layout module on libharu 2.3 for letters, review
 * sheets and reports.
 *
 * A document is built as a list of blocks (headings, paragraphs of styled
 * runs, bullet items, tables, two-column address blocks) and laid out only
 * when it is written.  Keeping the blocks, rather than drawing as we go,
 * buys three things libharu cannot give on its own:
 *   - "Side X af Y": the page count is known before the first page is drawn;
 *   - page breaks that look ahead: a heading never ends a page, a table row
 *     is never split and the header row is repeated on the next page;
 *   - rebuilding from scratch: one libharu error spoils the whole HPDF_Doc
 *     (shared/notes/libharu.md 1.8), so pdf_doc_render() throws it away and
 *     builds the file again from the blocks, the second time without the
 *     PDF/A extras (ICC profile, XMP), the third time also with the text
 *     reduced to ASCII and Latin-1, before it gives up.
 *
 * Text: every string passed in is UTF-8 (invalid bytes become U+FFFD); a
 * character the embedded font lacks (emoji, CJK, Hebrew, control and bidi
 * characters) is replaced by U+FFFD, visibly, never dropped: libharu would
 * print a blank for code points above U+FFFF and an empty box or nothing
 * for the rest.  pdf_doc_replaced() counts the replacements.
 *
 * Fonts: fonts/skema-sans.ttf and fonts/skema-sans-bold.ttf, found through
 * paths_find(); subset DejaVu Sans made by `make fonts`.
 *
 * Archive: PDF/A-1b as far as libharu 2.3 allows: our own XMP packet
 * (escaped, /Subtype spelt right), Info and XMP dates that agree, an sRGB
 * output intent (/usr/share/color/icc/sRGB.icc, or $SKEMA_ICC), and a /ID
 * derived from the caller's seed so the same input gives the same bytes.
 * What remains unchecked is listed in docs/letters.md.
 */
#ifndef SKEMA_PDF_H
#define SKEMA_PDF_H

#include <stddef.h>
#include <time.h>

#include <hpdf.h>

/* Run styles; combine with |. */
enum {
	PDF_REGULAR = 0,
	PDF_BOLD = 1,
	PDF_SMALL = 2,   /* 8.5 pt instead of the body size */
	PDF_GREY = 4,    /* grey text, for hints and notes */
};

/* Longest text accepted in one call; longer text is cut with "…". */
#define PDF_MAX_TEXT (256u * 1024u)

struct pdf_doc;

struct pdf_meta {
	const char *title;     /* Info /Title and dc:title */
	const char *author;    /* the authority */
	const char *subject;
	const char *keywords;
	const char *creator;   /* the program, e.g. "skema-letter 0.1.0" */
	time_t created;        /* Info and XMP creation and modification date */
	const char *id_seed;   /* bytes the /ID is derived from; make it unique */
};

/* Returns a new empty document (caller pdf_doc_free()s), or NULL (no memory). */
struct pdf_doc *pdf_doc_new(void);
void pdf_doc_free(struct pdf_doc *doc);

/* Copies meta.  Returns 0 or -1 (no memory). */
int pdf_set_meta(struct pdf_doc *doc, const struct pdf_meta *meta);

/*
 * Running header and footer on every page: left and right header text,
 * left footer text; the right footer always says "Side X af Y".  Any may be
 * NULL.  A watermark (e.g. "UDKAST") is printed large and light across
 * every page and in the header, so it survives text extraction.
 */
int pdf_set_header(struct pdf_doc *doc, const char *left, const char *right);
int pdf_set_footer(struct pdf_doc *doc, const char *left);
int pdf_set_watermark(struct pdf_doc *doc, const char *text);

/*
 * The blocks, in reading order.  Each returns 0, or -1 when out of memory
 * (the document is then unusable: free it).
 */

/* Level 1 (14 pt) or 2 (11.5 pt), bold; kept with what follows it. */
int pdf_heading(struct pdf_doc *doc, int level, const char *text);

/*
 * A paragraph built from runs: pdf_para_begin(), any number of
 * pdf_para_text() calls, pdf_para_end().  A '\n' in a run breaks the line.
 * indent is in points from the left margin.
 */
int pdf_para_begin(struct pdf_doc *doc, double indent);
int pdf_para_text(struct pdf_doc *doc, int style, const char *text);
int pdf_para_end(struct pdf_doc *doc);

/* A one-run paragraph. */
int pdf_paragraph(struct pdf_doc *doc, int style, const char *text);

/* A bullet item: like a paragraph, hung behind a bullet.  End with pdf_para_end(). */
int pdf_bullet_begin(struct pdf_doc *doc);

/* Vertical space in points. */
int pdf_space(struct pdf_doc *doc, double points);

/* Starts a new page unless the current one is still empty. */
int pdf_page_break(struct pdf_doc *doc);

/*
 * Two columns side by side (a letterhead: recipient left, sender right).
 * Each is text with '\n' between lines; a line starting with '*' is bold.
 */
int pdf_columns(struct pdf_doc *doc, const char *left, const char *right);

/*
 * A table: ncols columns (at most 8) whose widths are given as fractions of
 * the text width (they should sum to 1).  The first row added with
 * header = 1 is the header row, repeated at the top of each page the table
 * continues on.  A row is never split across pages (a row taller than a
 * page is cut, with a note).  cells[i] may be NULL.
 */
int pdf_table_begin(struct pdf_doc *doc, int ncols, const double *widths);
int pdf_table_row(struct pdf_doc *doc, int header, const char *const *cells);
int pdf_table_end(struct pdf_doc *doc);

/*
 * Lays the document out and writes the PDF into memory: *out (caller frees)
 * and *len.  Returns 0, or -1 with a one-line English reason in err (at
 * least 256 bytes).  The blocks are kept: rendering twice gives the same
 * bytes.
 */
int pdf_doc_render(struct pdf_doc *doc, unsigned char **out, size_t *len,
		   char *err, size_t errsize);

/*
 * The blocks as plain text, for tests and debugging (caller frees; NULL when
 * out of memory): one line per block, "H1 ", "H2 ", "P ", "B " (bullet),
 * "C " (columns, left | right), "T " (table row, cells joined by " | ",
 * "TH " for the header), "SPACE", "PAGE"; bold runs in [b]...[/b];
 * '\n' inside a block as "\n".
 */
char *pdf_doc_dump(const struct pdf_doc *doc);

/*
 * Rendering keeps one libharu handle with the fonts loaded for the next
 * document (pdf.c); this frees it.  Optional: it is reachable until exit.
 */
void pdf_cache_release(void);

/*
 * Loads that handle now, so processes forked afterwards (skema-letter
 * --jobs) start with it.  Returns 0 or -1 (rendering then loads it itself).
 */
int pdf_cache_prepare(void);

/* Pages of the last successful render. */
int pdf_doc_pages(const struct pdf_doc *doc);

/* Characters replaced by U+FFFD so far (invalid, control, missing in the font). */
size_t pdf_doc_replaced(const struct pdf_doc *doc);

/*
 * How the last render ended: 0 as asked; 1 rebuilt without the PDF/A extras;
 * 2 rebuilt also with plain text (ASCII and Latin-1, the rest "?").
 */
int pdf_doc_degraded(const struct pdf_doc *doc);

/*
 * Writes data to path the safe way: a temporary name in the same directory,
 * fsync, rename, fsync of the directory.  Returns 0, or -1 with errno set.
 */
int pdf_write_file(const char *path, const unsigned char *data, size_t len);

/*
 * The same with the temporary name tmp chosen by the caller, for a program
 * that sweeps up its own leftovers by their name (skema-report).
 */
int pdf_write_file_via(const char *path, const char *tmp, const unsigned char *data, size_t len);

/*
 * Writing many files with two syncs in all instead of two per file:
 * pdf_stage_file() writes data to a new temporary name beside path (into
 * tmp, at least PATH_MAX bytes), unsynced; the caller then makes every
 * staged file durable at once (syncfs(2) on the directory), publishes each
 * with pdf_commit_file(), and syncs again before it records any of them.
 * A crash at any point leaves no short file under a final name.
 * pdf_commit_file() renames tmp to path; with noreplace it never replaces
 * a file (-1 with EEXIST; the temporary file stays for another try).
 * Both return 0, or -1 with errno set (a failed stage leaves nothing).
 */
int pdf_stage_file(const char *path, const unsigned char *data, size_t len, char *tmp,
		   size_t tmpsize);
int pdf_commit_file(const char *tmp, const char *path, int noreplace);

/*
 * For a program with its own libharu code and our two fonts (skema-report):
 * guards font (regular or bold, loaded in that order from fonts/, made with
 * the UTF-8 encoder) against libharu's error 0x1033 while the file is
 * written, which hits when the glyphs used make the embedded font a
 * multiple of 4096 bytes (pdf.c, avoid_buffer_boundary; about 1 in 800
 * documents).  Call it after HPDF_GetFont; other fonts are left alone.
 */
void pdf_font_guard(HPDF_Font font);

/*
 * The letters' compact fonts, for a program with its own libharu code and
 * our two fonts (skema-report).  libharu's UTF-8 encoder gives every
 * character the CID of its code point, so each font of each document gets
 * a 128 KB CIDToGIDMap and libharu looks up all 65,536 code points while
 * it writes it; compact CIDs number only the characters the fonts have.
 *
 * pdf_compact_begin(): after HPDF_UseUTFEncodings and the UTF-8 encoder
 * made current, before any font.  1: compact; 0: the fonts' coverage could
 * not be read, libharu's numbering stays; -1: libharu's encoder is not what
 * it should be (start the document again without this call).
 * pdf_compact_font(): HPDF_GetFont(pdf, name, "UTF-8") for a font loaded
 * from fonts/ (regular first), compact when the document is, guarded
 * (pdf_font_guard) either way.  Text drawn must be pdf_font_has()
 * characters, or it shows as .notdef.
 * pdf_compact_finish(): just before HPDF_SaveToStream: the fonts'
 * ToUnicode CMap and level-1 deflate of the streams.  0, or -1 when out of
 * memory.  Does nothing for a document that is not compact.
 */
int pdf_compact_begin(HPDF_Doc pdf);
HPDF_Font pdf_compact_font(HPDF_Doc pdf, const char *name);
int pdf_compact_finish(HPDF_Doc pdf, HPDF_Font regular, HPDF_Font bold);

/*
 * 1 when the embedded font has a glyph for code point cp (loads the font the
 * first time).  -1 when the font cannot be loaded.
 */
int pdf_font_has(unsigned cp);

/*
 * Copies text into out (caller frees), made safe for the font: invalid
 * UTF-8, control characters other than '\n' (tab becomes a space) and
 * characters the font lacks become U+FFFD.  *replaced (may be NULL) is
 * increased by the number of replacements.  Text longer than max bytes is
 * cut at a character boundary and ends with "…".  NULL when out of memory.
 */
char *pdf_clean_text(const char *text, size_t max, size_t *replaced);

#endif
