/*
 * report_pdf.c - pages, wrapped text, tables and bar charts on libharu 2.3
 * for skema-report (see report_pdf.h for why this is not stages/lib/pdf).
 *
 * libharu hazards handled here (shared/notes/libharu.md): compression is
 * set before any font or page exists (1.6); the UTF-8 encoder is current
 * before Info strings are set (1.1); every string is cleaned to the
 * characters the embedded subset font has, so nothing prints as a blank or
 * a box; line breaking is ours, because HPDF_Page_TextRect silently drops an
 * over-long word (1.4), and a forced break is moved back to a UTF-8
 * boundary, because MeasureText without word wrap can split a character
 * (1.5); a path is always stroked or filled before text is drawn (1.7).
 * The fonts number their characters compactly, as the letters' do
 * (pdf_compact_begin): libharu's own numbering gives each font of each of
 * the nine PDFs a 128 KB CIDToGIDMap and a walk of all 65,536 code points,
 * which was a third of a report's time.
 * Errors do not longjmp: the handler records the first one and
 * report_pdf_finish() refuses to hand out a document that had one; the
 * caller then builds the document once more from the start in plain mode
 * (report_doc.c), because one libharu error spoils the whole document.
 */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hpdf.h>

#include "clock.h"
#include "msg.h"
#include "paths.h"
#include "pdf.h"
#include "pdf_tounicode.h"
#include "report_pdf.h"
#include "strbuf.h"
#include "utf8.h"

#define PAGE_W 595.276
#define PAGE_H 841.89
#define MARGIN_L 56.0
#define MARGIN_R 56.0
#define MARGIN_T 64.0
#define MARGIN_B 64.0
#define TEXT_W (PAGE_W - MARGIN_L - MARGIN_R)
#define BODY_SIZE 9.5
#define SMALL_SIZE 7.5
#define TABLE_SIZE 8.0
#define CELL_PAD 3.0
#define CELL_MAX_LINES 5
#define MAX_TEXT 4096

/* The ranges of fonts/unicodes.txt: what the subset fonts can draw. */
static const uint32_t font_ranges[][2] = {
	{0x20, 0x7E},	  {0xA0, 0x17F},   {0x218, 0x21B},  {0x2C6, 0x2C7},  {0x2D8, 0x2DD},
	{0x2010, 0x2027}, {0x2030, 0x203A}, {0x2044, 0x2044}, {0x20AC, 0x20AC}, {0x2116, 0x2116},
	{0x2122, 0x2122}, {0x2190, 0x2193}, {0x2212, 0x2212}, {0x2713, 0x2713}, {0x2717, 0x2717},
	{0xFFFD, 0xFFFD},
};

static int font_has(uint32_t cp)
{
	/* What the compact fonts can draw (the same fonts, read by libharu). */
	int has = pdf_font_has(cp);
	if (has >= 0)
		return has;
	for (size_t i = 0; i < sizeof font_ranges / sizeof *font_ranges; i++)
		if (cp >= font_ranges[i][0] && cp <= font_ranges[i][1])
			return 1;
	return 0;
}

/*
 * The plain repertoire of a report rebuilt after a libharu error: printable
 * ASCII and Latin-1 (æ ø å é ü « » and the like), nothing that needs more
 * of the font than the most common glyphs.
 */
static int plain_has(uint32_t cp)
{
	return (cp >= 0x20 && cp <= 0x7E) || (cp >= 0xA0 && cp <= 0xFF);
}

/* report_pdf_clean(), or with plain set, down to plain_has() with "?" and "...". */
static char *clean_text(const char *text, char *out, size_t size, int plain)
{
	size_t used = 0;
	const char *p = text ? text : "";

	if (size == 0)
		return out;
	while (*p) {
		uint32_t cp;
		char buf[4];
		size_t n = utf8_decode(p, &cp), len;
		if (n == 0) {
			cp = 0xFFFD;
			n = 1;
		}
		if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
			cp = ' ';
		else if (plain && !plain_has(cp))
			cp = '?';
		else if (!font_has(cp))
			cp = 0xFFFD;
		len = utf8_encode(cp, buf);
		/* Keep room for "…" (3 bytes) and the NUL. */
		if (used + len + 4 > size) {
			if (used + 4 <= size) {
				memcpy(out + used, plain ? "..." : "\xE2\x80\xA6", 3);
				used += 3;
			}
			break;
		}
		memcpy(out + used, buf, len);
		used += len;
		p += n;
	}
	out[used] = '\0';
	return out;
}

char *report_pdf_clean(const char *text, char *out, size_t size)
{
	return clean_text(text, out, size, 0);
}

/* Cleans text for this document: plain when it is a rebuild after an error. */
static char *clean_for(const struct report_pdf *p, const char *text, char *out, size_t size)
{
	return clean_text(text, out, size, p->plain);
}

/* The mark of a cut text; both are 3 bytes. */
static const char *ellipsis(const struct report_pdf *p)
{
	return p->plain ? "..." : "\xE2\x80\xA6";
}

static void error_handler(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user_data)
{
	struct report_pdf *p = user_data;
	if (!p->error) {
		p->error = error_no;
		p->detail = detail_no;
	}
}

static double text_width(HPDF_Font font, double size, const char *text, size_t len)
{
	HPDF_TextWidth w = HPDF_Font_TextWidth(font, (const HPDF_BYTE *)text, (HPDF_UINT)len);
	return w.width * size / 1000.0;
}

/* Draws clean text (already cleaned) at x, y. */
static void draw_text(struct report_pdf *p, HPDF_Font font, double size, double x, double y,
		      const char *text)
{
	HPDF_Page_BeginText(p->page);
	HPDF_Page_SetFontAndSize(p->page, font, (HPDF_REAL)size);
	HPDF_Page_TextOut(p->page, (HPDF_REAL)x, (HPDF_REAL)y, text);
	HPDF_Page_EndText(p->page);
}

/* Draws untrusted text, cleaned, left/right aligned or centred (align -1/1/0). */
static void put_text(struct report_pdf *p, HPDF_Font font, double size, double x, double y,
		     int align, const char *text)
{
	char clean[MAX_TEXT];
	clean_for(p, text, clean, sizeof clean);
	double w = text_width(font, size, clean, strlen(clean));
	if (align == 1)
		x -= w;
	else if (align == 0)
		x -= w / 2;
	draw_text(p, font, size, x, y, clean);
}

struct line_ctx {
	struct report_pdf *p;
	HPDF_Font font;
	double size, x, y, leading;
	char buf[MAX_TEXT];
};
static int wrap(HPDF_Font font, double size, double width, const char *text, int max_lines,
		void (*line)(void *ctx, const char *text, size_t len), void *ctx, int *rest);
static void draw_line(void *ctx, const char *text, size_t len);

/* Like put_text, right-aligned at x, cut with "…" to at most max_width points. */
static void put_label(struct report_pdf *p, double size, double x, double y, double max_width,
		      const char *text)
{
	char clean[512];
	size_t len;
	clean_for(p, text, clean, sizeof clean - 4);
	len = strlen(clean);
	if (text_width(p->regular, size, clean, len) > max_width) {
		double cut = text_width(p->regular, size, ellipsis(p), 3);
		while (len > 0 && text_width(p->regular, size, clean, len) + cut > max_width) {
			len--;
			while (len > 0 && ((unsigned char)clean[len] & 0xC0) == 0x80)
				len--;
		}
		memcpy(clean + len, ellipsis(p), 4);
	}
	put_text(p, p->regular, size, x, y, 1, clean);
}

/* Where wrap() ended the first line of a label. */
static void first_line_end(void *ctx, const char *text, size_t len)
{
	*(const char **)ctx = text + len;
}

/* Whether text needs two lines as a label of max_width points. */
static int label_wraps(struct report_pdf *p, double size, double max_width, const char *text)
{
	char clean[512];
	clean_for(p, text, clean, sizeof clean - 4);
	return text_width(p->regular, size, clean, strlen(clean)) > max_width;
}

/*
 * Like put_label, in at most two lines centred on y: an offer's title
 * beside its bar, which the overview table names the same way.
 */
static void put_label_2(struct report_pdf *p, double size, double x, double y, double max_width,
			const char *text)
{
	char clean[512], first[512];
	const char *end = NULL;
	int rest;
	clean_for(p, text, clean, sizeof clean - 4);
	if (text_width(p->regular, size, clean, strlen(clean)) <= max_width) {
		put_text(p, p->regular, size, x, y, 1, clean);
		return;
	}
	wrap(p->regular, size, max_width, clean, 1, first_line_end, &end, &rest);
	if (!end || end == clean) {
		put_label(p, size, x, y, max_width, text);
		return;
	}
	snprintf(first, sizeof first, "%.*s", (int)(end - clean), clean);
	while (*end == ' ')
		end++;
	put_text(p, p->regular, size, x, y + size * 0.55, 1, first);
	put_label(p, size, x, y - size * 0.55, max_width, end);
}

/* A count as Danes write it, "1.697": the same as in the tables beside the charts. */
static void count_text(long value, char *buf, size_t size)
{
	char plain[32];
	size_t len, out = 0;

	if (size == 0)
		return;
	snprintf(plain, sizeof plain, "%ld", value);
	len = strlen(plain);
	for (size_t i = 0; i < len && out + 2 < size; i++) {
		if (i > 0 && plain[i - 1] != '-' && (len - i) % 3 == 0)
			buf[out++] = '.';
		buf[out++] = plain[i];
	}
	buf[out] = '\0';
}

static void grey_fill(struct report_pdf *p, double g)
{
	HPDF_Page_SetGrayFill(p->page, (HPDF_REAL)g);
}

static void start_page(struct report_pdf *p)
{
	p->page = HPDF_AddPage(p->pdf);
	HPDF_Page_SetWidth(p->page, (HPDF_REAL)PAGE_W);
	HPDF_Page_SetHeight(p->page, (HPDF_REAL)PAGE_H);
	/* Kept for the page numbers, which need the count of all pages. */
	HPDF_Page *list = realloc(p->page_list, (size_t)(p->pages + 1) * sizeof *list);
	if (!list) {
		if (!p->error)
			p->error = HPDF_FAILD_TO_ALLOC_MEM;
	} else {
		p->page_list = list;
		p->page_list[p->pages] = p->page;
	}
	p->pages++;
	grey_fill(p, 0.3);
	put_text(p, p->regular, SMALL_SIZE, MARGIN_L, PAGE_H - 36, -1, p->title);
	/* The footer may take two lines; the page number keeps its own column. */
	struct line_ctx l = {.p = p, .font = p->regular, .size = SMALL_SIZE, .x = MARGIN_L,
			     .y = 40, .leading = SMALL_SIZE + 2};
	int rest;
	wrap(p->regular, SMALL_SIZE, TEXT_W - 75, p->footer, 2, draw_line, &l, &rest);
	HPDF_Page_SetGrayStroke(p->page, 0.6f);
	HPDF_Page_SetLineWidth(p->page, 0.5f);
	HPDF_Page_MoveTo(p->page, (HPDF_REAL)MARGIN_L, (HPDF_REAL)(PAGE_H - 42));
	HPDF_Page_LineTo(p->page, (HPDF_REAL)(PAGE_W - MARGIN_R), (HPDF_REAL)(PAGE_H - 42));
	HPDF_Page_Stroke(p->page);
	grey_fill(p, 0);
	HPDF_Page_SetGrayStroke(p->page, 0);
	p->y = PAGE_H - MARGIN_T;
	p->rows_on_page = 0;
}

void report_pdf_new_page(struct report_pdf *p)
{
	start_page(p);
}


/* Makes room for height points, starting a page when needed; 1 when it did. */
static int need(struct report_pdf *p, double height)
{
	if (p->y - height >= MARGIN_B)
		return 0;
	start_page(p);
	return 1;
}

void report_pdf_keep(struct report_pdf *p, double points)
{
	need(p, points);
}

static int load_font(struct report_pdf *p, const char *relative, const char *fallback,
		     HPDF_Font *font)
{
	char path[PATH_MAX];
	if (paths_find(relative, path, sizeof path) < 0)
		snprintf(path, sizeof path, "%s", fallback);
	const char *name = HPDF_LoadTTFontFromFile(p->pdf, path, HPDF_TRUE);
	if (!name) {
		msg_error("%s: cannot load the font (libharu error 0x%04x)", path,
			  (unsigned)p->error);
		return -1;
	}
	/* Compact when the document is; guarded either way against libharu's
	 * failure to write a font that fills its buffers exactly (pdf.h). */
	*font = pdf_compact_font(p->pdf, name);
	return *font ? 0 : -1;
}

/*
 * A ToUnicode CMap that is one (pdf_tounicode.h).  A report may show any
 * text of the BMP, so it maps every block but the surrogates.
 */
static void add_tounicode(struct report_pdf *p)
{
	int blocks[256], nblocks = 0;

	if (p->compact)
		return; /* pdf_compact_finish() adds the compact one */
	for (int hi = 0; hi < 256; hi++)
		if (hi < 0xD8 || hi > 0xDF) /* surrogates are not characters */
			blocks[nblocks++] = hi;
	pdf_tounicode_add(p->pdf, p->regular, p->bold, blocks, nblocks);
}

int report_pdf_begin(struct report_pdf *p, const char *title, const char *footer, int plain)
{
	memset(p, 0, sizeof *p);
	p->plain = plain;
	clean_for(p, title, p->title, sizeof p->title);
	clean_for(p, footer, p->footer, sizeof p->footer);
	p->pdf = HPDF_New(error_handler, p);
	if (!p->pdf) {
		msg_error("out of memory for a PDF");
		return -1;
	}
	/* Before any font or page: libharu applies it when objects are created. */
	HPDF_SetCompressionMode(p->pdf, HPDF_COMP_ALL);
	HPDF_UseUTFEncodings(p->pdf);
	HPDF_SetCurrentEncoder(p->pdf, "UTF-8");
	/* A rebuild after an error takes libharu's own path. */
	if (!plain) {
		int compact = pdf_compact_begin(p->pdf);
		if (compact < 0) {
			p->error = HPDF_INVALID_ENCODER;
			return -1;
		}
		p->compact = compact;
	}
	if (load_font(p, "fonts/skema-sans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
		      &p->regular) < 0 ||
	    load_font(p, "fonts/skema-sans-bold.ttf",
		      "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", &p->bold) < 0)
		return -1;
	add_tounicode(p);
	HPDF_SetInfoAttr(p->pdf, HPDF_INFO_TITLE, p->title);
	HPDF_SetInfoAttr(p->pdf, HPDF_INFO_CREATOR, "skema-report");
	start_page(p);
	return p->error ? -1 : 0;
}

void report_pdf_release(struct report_pdf *p)
{
	if (!p)
		return;
	free(p->page_list);
	p->page_list = NULL;
	for (int i = 0; i < REPORT_PDF_MAX_COLS; i++) {
		free(p->header[i]);
		p->header[i] = NULL;
	}
	if (p->pdf)
		HPDF_Free(p->pdf);
	p->pdf = NULL;
}

/*
 * Breaks clean text into lines of at most width points: calls line(ctx,
 * text, len) for each.  Stops after max_lines (0: no limit), and returns
 * the number of lines; *rest is set to 1 when text was left over.
 */
static int wrap(HPDF_Font font, double size, double width, const char *text, int max_lines,
		void (*line)(void *ctx, const char *text, size_t len), void *ctx, int *rest)
{
	const char *s = text;
	int lines = 0;

	*rest = 0;
	while (*s) {
		size_t left = strlen(s), n;
		HPDF_REAL real;
		if (max_lines && lines == max_lines) {
			*rest = 1;
			break;
		}
		n = HPDF_Font_MeasureText(font, (const HPDF_BYTE *)s, (HPDF_UINT)left,
					  (HPDF_REAL)width, (HPDF_REAL)size, 0, 0, HPDF_TRUE, &real);
		if (n == 0) {
			/* One word wider than the line: break it where it must. */
			n = HPDF_Font_MeasureText(font, (const HPDF_BYTE *)s, (HPDF_UINT)left,
						  (HPDF_REAL)width, (HPDF_REAL)size, 0, 0, HPDF_FALSE,
						  &real);
			while (n > 0 && n < left && ((unsigned char)s[n] & 0xC0) == 0x80)
				n--;
			if (n == 0)
				n = utf8_valid_prefix(s) ? utf8_valid_prefix(s) : 1;
		}
		size_t shown = n;
		while (shown > 0 && s[shown - 1] == ' ')
			shown--;
		if (line)
			line(ctx, s, shown);
		lines++;
		s += n;
		while (*s == ' ')
			s++;
	}
	return lines;
}


static void draw_line(void *ctx, const char *text, size_t len)
{
	struct line_ctx *l = ctx;
	if (len >= sizeof l->buf)
		len = sizeof l->buf - 1;
	memcpy(l->buf, text, len);
	l->buf[len] = '\0';
	draw_text(l->p, l->font, l->size, l->x, l->y, l->buf);
	l->y -= l->leading;
}

/* Page flow for paragraphs: like draw_line, but breaks pages. */
static void flow_line(void *ctx, const char *text, size_t len)
{
	struct line_ctx *l = ctx;
	if (need(l->p, l->leading))
		l->y = l->p->y - l->size;
	draw_line(ctx, text, len);
	l->p->y -= l->leading;
}

void report_pdf_heading(struct report_pdf *p, int level, const char *text)
{
	report_pdf_heading_keep(p, level, text, level == 1 ? 60 : 130);
}

void report_pdf_heading_keep(struct report_pdf *p, int level, const char *text, double keep)
{
	double size = level == 1 ? 16 : level == 2 ? 12.5 : 10.5;
	double before = level == 1 ? 0 : level == 2 ? 14 : 8;
	char clean[MAX_TEXT];
	int rest;

	clean_for(p, text, clean, sizeof clean);
	/* A heading never ends a page: keep room for a few lines after it. */
	if (p->y < PAGE_H - MARGIN_T - 1)
		p->y -= before;
	need(p, size * 1.4 + keep);
	struct line_ctx l = {.p = p, .font = p->bold, .size = size, .x = MARGIN_L,
			     .y = p->y - size, .leading = size * 1.3};
	int lines = wrap(p->bold, size, TEXT_W, clean, 3, draw_line, &l, &rest);
	p->y -= lines * size * 1.3 + size * 0.4;
}

void report_pdf_paragraph(struct report_pdf *p, int bold, const char *text)
{
	char clean[MAX_TEXT];
	int rest;
	HPDF_Font font = bold ? p->bold : p->regular;

	clean_for(p, text, clean, sizeof clean);
	need(p, BODY_SIZE * 1.4);
	struct line_ctx l = {.p = p, .font = font, .size = BODY_SIZE, .x = MARGIN_L,
			     .y = p->y - BODY_SIZE, .leading = BODY_SIZE * 1.4};
	wrap(font, BODY_SIZE, TEXT_W, clean, 0, flow_line, &l, &rest);
	p->y -= BODY_SIZE * 0.5;
}

void report_pdf_space(struct report_pdf *p, double points)
{
	p->y -= points;
	if (p->y < MARGIN_B)
		start_page(p);
}

/* --- tables -------------------------------------------------------------- */

/* The lines of one wrapped text, for measuring and for drawing with an ellipsis. */
struct wrapped {
	const char *line[16];
	size_t len[16];
	int count, rest;
};

static void collect_line(void *ctx, const char *text, size_t len)
{
	struct wrapped *w = ctx;
	if (w->count < 16) {
		w->line[w->count] = text;
		w->len[w->count] = len;
		w->count++;
	}
}

static void wrap_text(HPDF_Font font, double size, double width, const char *text, int max_lines,
		      struct wrapped *w)
{
	memset(w, 0, sizeof *w);
	if (max_lines > 16)
		max_lines = 16;
	wrap(font, size, width, text, max_lines, collect_line, w, &w->rest);
}

/*
 * Draws wrapped lines from y_top down, in one text object; when text was
 * left over, the last line is shortened to make room for "…", so a cut
 * never looks complete.
 */
static void draw_wrapped(struct report_pdf *p, HPDF_Font font, double size, double x,
			 double y_top, double width, double leading, const struct wrapped *w)
{
	char buf[MAX_TEXT];
	if (w->count == 0)
		return;
	HPDF_Page_BeginText(p->page);
	HPDF_Page_SetFontAndSize(p->page, font, (HPDF_REAL)size);
	for (int i = 0; i < w->count; i++) {
		size_t len = w->len[i] < sizeof buf - 4 ? w->len[i] : sizeof buf - 4;
		memcpy(buf, w->line[i], len);
		if (i == w->count - 1 && w->rest) {
			double cut = text_width(font, size, ellipsis(p), 3);
			while (len > 0 && text_width(font, size, buf, len) + cut > width) {
				len--;
				while (len > 0 && ((unsigned char)buf[len] & 0xC0) == 0x80)
					len--;
			}
			memcpy(buf + len, ellipsis(p), 3);
			len += 3;
		}
		buf[len] = '\0';
		HPDF_Page_TextOut(p->page, (HPDF_REAL)x, (HPDF_REAL)(y_top - size - i * leading),
				  buf);
	}
	HPDF_Page_EndText(p->page);
}

#define TABLE_LEADING (TABLE_SIZE + 2.5)
#define NOTE_SIZE (TABLE_SIZE - 0.5)
#define NOTE_LEADING (NOTE_SIZE + 2.2)

/*
 * A row wrapped once, then measured and drawn from the same lines:
 * wrapping is most of a table's cost, and a ranked list has a row per
 * application.
 */
struct row_layout {
	struct wrapped cell[REPORT_PDF_MAX_COLS];
	struct wrapped note;
	double height; /* of the cells: the cell with the most lines decides */
	double total;  /* with the note under them */
};

static double note_indent(const struct report_pdf *p)
{
	return p->ncols > 1 ? p->widths[0] : 0;
}

static void layout_row(struct report_pdf *p, HPDF_Font font, char cells[][MAX_TEXT / 4],
		       const char *note, int note_lines, struct row_layout *r)
{
	int most = 1;
	for (int i = 0; i < p->ncols; i++) {
		wrap_text(font, TABLE_SIZE, p->widths[i] - 2 * CELL_PAD, cells[i], CELL_MAX_LINES,
			  &r->cell[i]);
		if (r->cell[i].count > most)
			most = r->cell[i].count;
	}
	r->height = most * TABLE_LEADING + 2 * CELL_PAD;
	r->total = r->height;
	memset(&r->note, 0, sizeof r->note);
	if (note && *note) {
		wrap_text(p->regular, NOTE_SIZE, TEXT_W - note_indent(p) - 2 * CELL_PAD, note,
			  note_lines, &r->note);
		r->total += r->note.count * NOTE_LEADING + CELL_PAD;
	}
}

static void draw_row(struct report_pdf *p, int header, const struct row_layout *r)
{
	HPDF_Font font = header ? p->bold : p->regular;
	double x = MARGIN_L;

	if (header) {
		grey_fill(p, 0.88);
		HPDF_Page_Rectangle(p->page, (HPDF_REAL)MARGIN_L, (HPDF_REAL)(p->y - r->height),
				    (HPDF_REAL)TEXT_W, (HPDF_REAL)r->height);
		HPDF_Page_Fill(p->page);
		grey_fill(p, 0);
	}
	for (int i = 0; i < p->ncols; i++) {
		draw_wrapped(p, font, TABLE_SIZE, x + CELL_PAD, p->y - CELL_PAD,
			     p->widths[i] - 2 * CELL_PAD, TABLE_LEADING, &r->cell[i]);
		x += p->widths[i];
	}
	if (r->total > r->height) {
		grey_fill(p, 0.25);
		draw_wrapped(p, p->regular, NOTE_SIZE, MARGIN_L + note_indent(p) + CELL_PAD,
			     p->y - r->height + CELL_PAD, TEXT_W - note_indent(p) - 2 * CELL_PAD,
			     NOTE_LEADING, &r->note);
		grey_fill(p, 0);
	}
	HPDF_Page_SetGrayStroke(p->page, header ? 0.2f : 0.75f);
	HPDF_Page_SetLineWidth(p->page, header ? 0.8f : 0.4f);
	HPDF_Page_MoveTo(p->page, (HPDF_REAL)MARGIN_L, (HPDF_REAL)(p->y - r->total));
	HPDF_Page_LineTo(p->page, (HPDF_REAL)(MARGIN_L + TEXT_W), (HPDF_REAL)(p->y - r->total));
	HPDF_Page_Stroke(p->page);
	HPDF_Page_SetGrayStroke(p->page, 0);
	p->y -= r->total;
}

static void clean_cells(struct report_pdf *p, const char *const *in, char out[][MAX_TEXT / 4])
{
	for (int i = 0; i < p->ncols; i++)
		clean_for(p, in[i] ? in[i] : "", out[i], MAX_TEXT / 4);
}

/* The header row, cleaned and wrapped; its lines point into cells. */
static void layout_header(struct report_pdf *p, char cells[][MAX_TEXT / 4], struct row_layout *r)
{
	clean_cells(p, (const char *const *)p->header, cells);
	layout_row(p, p->bold, cells, NULL, 0, r);
}

void report_pdf_table_begin(struct report_pdf *p, int ncols, const double *widths,
			    const char *const *header)
{
	char cells[REPORT_PDF_MAX_COLS][MAX_TEXT / 4];
	struct row_layout row;

	if (ncols > REPORT_PDF_MAX_COLS)
		ncols = REPORT_PDF_MAX_COLS;
	p->ncols = ncols;
	for (int i = 0; i < ncols; i++) {
		p->widths[i] = widths[i] * TEXT_W;
		free(p->header[i]);
		p->header[i] = strdup(header[i] ? header[i] : "");
	}
	layout_header(p, cells, &row);
	/* The header and at least two rows together, or a new page. */
	need(p, row.height + 3 * (BODY_SIZE + 8));
	draw_row(p, 1, &row);
	p->rows_on_page = 0;
}

void report_pdf_table_row_note(struct report_pdf *p, const char *const *cells_in,
			       const char *note_in, int note_lines)
{
	char cells[REPORT_PDF_MAX_COLS][MAX_TEXT / 4];
	char head[REPORT_PDF_MAX_COLS][MAX_TEXT / 4];
	char note[MAX_TEXT];
	struct row_layout row, head_row;

	clean_cells(p, cells_in, cells);
	clean_for(p, note_in, note, sizeof note);
	layout_row(p, p->regular, cells, note, note_lines, &row);
	if (need(p, row.total)) {
		/* Continued on a new page: the header again. */
		layout_header(p, head, &head_row);
		draw_row(p, 1, &head_row);
	}
	draw_row(p, 0, &row);
	p->rows_on_page++;
}

void report_pdf_table_row(struct report_pdf *p, const char *const *cells_in)
{
	report_pdf_table_row_note(p, cells_in, NULL, 0);
}

void report_pdf_table_end(struct report_pdf *p)
{
	p->ncols = 0;
	p->y -= 8;
}

/* --- charts -------------------------------------------------------------- */

/* A step of 1, 2 or 5 times a power of ten giving at most 5 ticks up to max. */
static long nice_step(long max)
{
	long step = 1;
	while (max / step > 5) {
		if (max / (step * 2) <= 5)
			return step * 2;
		if (max / (step * 5) <= 5)
			return step * 5;
		step *= 10;
	}
	return step;
}

static void chart_title(struct report_pdf *p, const char *title, double height)
{
	need(p, height + 30);
	p->y -= 6;
	put_text(p, p->bold, BODY_SIZE + 0.5, MARGIN_L, p->y - BODY_SIZE, -1, title);
	p->y -= BODY_SIZE + 10;
}

static void stroke_line(struct report_pdf *p, double x1, double y1, double x2, double y2,
			double width, double grey)
{
	HPDF_Page_SetLineWidth(p->page, (HPDF_REAL)width);
	HPDF_Page_SetGrayStroke(p->page, (HPDF_REAL)grey);
	HPDF_Page_MoveTo(p->page, (HPDF_REAL)x1, (HPDF_REAL)y1);
	HPDF_Page_LineTo(p->page, (HPDF_REAL)x2, (HPDF_REAL)y2);
	HPDF_Page_Stroke(p->page);
	HPDF_Page_SetGrayStroke(p->page, 0);
}

static void box(struct report_pdf *p, double x, double y, double w, double h, double grey)
{
	if (w <= 0 || h <= 0)
		return;
	grey_fill(p, grey);
	HPDF_Page_SetLineWidth(p->page, 0.6f);
	HPDF_Page_Rectangle(p->page, (HPDF_REAL)x, (HPDF_REAL)y, (HPDF_REAL)w, (HPDF_REAL)h);
	HPDF_Page_FillStroke(p->page);
	grey_fill(p, 0);
}

/* The value axis of a horizontal chart: ticks from 0 to top along y. */
static void x_axis(struct report_pdf *p, double x0, double width, double y, long top, long step,
		   double grid_top, const char *label)
{
	char number[32];
	for (long v = 0; v <= top; v += step) {
		double x = x0 + width * (double)v / (double)top;
		stroke_line(p, x, y, x, grid_top, 0.3, v ? 0.8 : 0);
		count_text(v, number, sizeof number);
		put_text(p, p->regular, SMALL_SIZE, x, y - 9, 0, number);
	}
	if (label)
		put_text(p, p->regular, SMALL_SIZE, x0 + width, y - 19, 1, label);
}

/* Bars beyond this many are summed into one "Øvrige" bar, so a chart always fits a page. */
#define CHART_MAX_BARS 16

static void bar_chart(struct report_pdf *p, const char *title, const struct report_counts *c,
		      const char *axis_label, const char *empty);

void report_pdf_bar_chart(struct report_pdf *p, const char *title, const struct report_counts *c,
			  const char *axis_label, const char *empty)
{
	if (c->count <= CHART_MAX_BARS) {
		bar_chart(p, title, c, axis_label, empty);
		return;
	}
	struct report_count items[CHART_MAX_BARS];
	struct report_counts shown = {items, CHART_MAX_BARS};
	long others = 0;
	memcpy(items, c->items, (CHART_MAX_BARS - 1) * sizeof *items);
	for (size_t i = CHART_MAX_BARS - 1; i < c->count; i++)
		others += c->items[i].value;
	items[CHART_MAX_BARS - 1].label = (char *)"Øvrige";
	items[CHART_MAX_BARS - 1].value = others;
	bar_chart(p, title, &shown, axis_label, empty);
}

static void bar_chart(struct report_pdf *p, const char *title, const struct report_counts *c,
		      const char *axis_label, const char *empty)
{
	const double bar_h = 13, gap = 5, label_w = 150;
	size_t n = c->count ? c->count : 1;
	double height = n * (bar_h + gap) + 26;
	long max = report_counts_max(c), step, top;
	char number[32];

	chart_title(p, title, height);
	if (c->count == 0 || max == 0) {
		put_text(p, p->regular, BODY_SIZE, MARGIN_L, p->y - BODY_SIZE, -1,
			 empty ? empty : "Ingen ansøgninger at vise.");
		p->y -= BODY_SIZE + 12;
		return;
	}
	step = nice_step(max);
	top = ((max + step - 1) / step) * step;
	double x0 = MARGIN_L + label_w, width = TEXT_W - label_w - 30;
	double y_top = p->y, y_axis = p->y - n * (bar_h + gap);
	x_axis(p, x0, width, y_axis, top, step, y_top, axis_label);
	for (size_t i = 0; i < c->count; i++) {
		double y = y_top - (i + 1) * (bar_h + gap) + gap / 2;
		double w = width * (double)c->items[i].value / (double)top;
		box(p, x0, y, w, bar_h, 0.45);
		put_label(p, BODY_SIZE - 1, x0 - 6, y + 3.5, label_w - 8, c->items[i].label);
		count_text(c->items[i].value, number, sizeof number);
		put_text(p, p->bold, BODY_SIZE - 1, x0 + w + 4, y + 3.5, -1, number);
	}
	stroke_line(p, x0, y_axis, x0, y_top, 0.8, 0);
	p->y = y_axis - 28;
}

/* Days since 1970 of a date: Howard Hinnant's days_from_civil, no time zones, no mktime. */
static long days_from_civil(long y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Days since 1970 of "YYYY-MM-DD", or -1. */
static long day_number(const char *date)
{
	int y, m, d;
	if (!date || sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return -1;
	return days_from_civil(y, m, d);
}

static void day_label(long day, char *buf, size_t size)
{
	time_t t = (time_t)day * 86400 + 12 * 3600;
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(buf, size, "%d.%d.%d", tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900);
}

/* Where day d sits on the x axis: the middle of its bar (or of its week's). */
static double day_x(long d, long first, long bucket, double x0, double bar_w)
{
	return x0 + ((double)((d - first) / bucket) + 0.5) * bar_w;
}

/*
 * Draws the label of day d under the axis with a tick, unless it would come
 * closer than a small gap to the label before it (whose right edge is
 * *last_right) or stick out of the text area: then it is left out.
 */
static void date_label_at(struct report_pdf *p, long d, long first, long bucket, double x0,
			  double bar_w, double y0, double *last_right)
{
	const double gap = 6;
	char label[32];
	double x = day_x(d, first, bucket, x0, bar_w), w, left, right;

	day_label(d, label, sizeof label);
	w = text_width(p->regular, SMALL_SIZE, label, strlen(label));
	left = x - w / 2;
	right = x + w / 2;
	/* At the edges a label is pulled inside the text area, never off it. */
	if (left < MARGIN_L) {
		left = MARGIN_L;
		right = left + w;
	}
	if (right > MARGIN_L + TEXT_W) {
		right = MARGIN_L + TEXT_W;
		left = right - w;
	}
	if (left < *last_right + gap)
		return;
	stroke_line(p, x, y0, x, y0 - 3, 0.5, 0);
	put_text(p, p->regular, SMALL_SIZE, left, y0 - 11, -1, label);
	*last_right = right;
}

/*
 * The date labels under the time axis.  Whatever the span (one day or
 * years), labels never overlap: the step between them is the smallest of
 * 1, 2, 3 days, a week, two weeks, or 1, 2, 3, 6, 12 months whose spacing
 * on the page leaves room for a label, months are labelled on their first
 * day, and a label that would still touch its left neighbour or leave the
 * chart is skipped rather than drawn over it.
 */
static void x_date_labels(struct report_pdf *p, long first, long last, long bucket, double x0,
			  double width, double y0)
{
	static const int day_steps[] = {1, 2, 3, 7, 14};
	static const int month_steps[] = {1, 2, 3, 6, 12, 24, 60};
	const double gap = 8;
	long span = last - first + 1;
	double bar_w = width / (double)((last - first) / bucket + 1);
	double per_day = width / (double)span;
	double label_w = text_width(p->regular, SMALL_SIZE, "30.12.2026", 10) + gap;
	double last_right = -1e9;
	int step_days = 0, step_months = 0;

	for (size_t i = 0; i < sizeof day_steps / sizeof *day_steps && !step_days; i++)
		if (day_steps[i] * per_day >= label_w && day_steps[i] >= bucket)
			step_days = day_steps[i];
	for (size_t i = 0; !step_days && !step_months && i < sizeof month_steps / sizeof *month_steps;
	     i++)
		if (month_steps[i] * 28 * per_day >= label_w)
			step_months = month_steps[i];
	if (!step_days && !step_months)
		step_months = 120;
	if (step_days) {
		/* Days: labels every step_days from the first day shown; weeks
		 * from the first Monday (day 0 was a Thursday). */
		long start = first;
		if (step_days >= 7)
			start += (7 - (first + 3) % 7) % 7;
		for (long d = start; d <= last; d += step_days)
			date_label_at(p, d, first, bucket, x0, bar_w, y0, &last_right);
	} else {
		/* Months: on the first day of every step_months'th month. */
		time_t t = (time_t)first * 86400 + 12 * 3600;
		struct tm tm;
		gmtime_r(&t, &tm);
		for (long month = (long)(tm.tm_year + 1900) * 12 + tm.tm_mon;; month++) {
			long d = days_from_civil(month / 12, (int)(month % 12) + 1, 1);
			if (d > last)
				break;
			if (d >= first && month % step_months == 0)
				date_label_at(p, d, first, bucket, x0, bar_w, y0, &last_right);
		}
	}
}

double report_deadline_in_day(const char *deadline)
{
	int hh, mm;
	if (!deadline || strlen(deadline) < 16 || deadline[10] != 'T' ||
	    sscanf(deadline + 11, "%2d:%2d", &hh, &mm) != 2 || hh < 0 || hh > 23 || mm < 0 || mm > 59)
		return 0.5;
	/* The minute it ends: 23:59 is the day's end, 12:00 just past its middle. */
	return ((double)hh * 60 + mm + 1) / (24 * 60);
}

void report_pdf_time_chart(struct report_pdf *p, const char *title,
			   const struct report_counts *per_day, const char *deadline_date,
			   const char *deadline_label)
{
	const double height = 150;
	long first = LONG_MAX, last = LONG_MIN, deadline = day_number(deadline_date);
	char label[128];

	chart_title(p, title, height + 30);
	for (size_t i = 0; i < per_day->count; i++) {
		long d = day_number(per_day->items[i].label);
		if (d < 0)
			continue;
		first = d < first ? d : first;
		last = d > last ? d : last;
	}
	if (first == LONG_MAX) {
		put_text(p, p->regular, BODY_SIZE, MARGIN_L, p->y - BODY_SIZE, -1,
			 "Ingen ansøgninger modtaget i perioden.");
		p->y -= BODY_SIZE + 12;
		return;
	}
	/* Show the deadline when it is near the receipts; a deadline far away
	 * would squeeze every bar into a hairline, so it is named instead. */
	int deadline_shown = deadline >= 0 && deadline >= first - 92 && deadline <= last + 92;
	if (deadline_shown) {
		first = deadline < first ? deadline : first;
		last = deadline > last ? deadline : last;
	}
	first -= 1;
	last += 1;
	/* Days, or weeks when a day's bar would be thinner than a hairline. */
	long bucket = last - first + 1 > 92 ? 7 : 1;
	size_t nbuckets = (size_t)((last - first) / bucket + 1);
	long *counts = calloc(nbuckets, sizeof *counts);
	if (!counts) {
		p->error = p->error ? p->error : HPDF_FAILD_TO_ALLOC_MEM;
		return;
	}
	long max = 0;
	for (size_t i = 0; i < per_day->count; i++) {
		long d = day_number(per_day->items[i].label);
		if (d < 0)
			continue;
		size_t b = (size_t)((d - first) / bucket);
		counts[b] += per_day->items[i].value;
		max = counts[b] > max ? counts[b] : max;
	}
	long step = nice_step(max), top = ((max + step - 1) / step) * step;
	/* 12 points above the plot for the deadline's label, clear of the bars. */
	double x0 = MARGIN_L + 30, width = TEXT_W - 40, y0 = p->y - 12 - height;
	double bar_w = width / (double)nbuckets;

	/* y axis from zero with a light grid */
	for (long v = 0; v <= top; v += step) {
		double y = y0 + height * (double)v / (double)top;
		stroke_line(p, x0, y, x0 + width, y, 0.3, v ? 0.8 : 0);
		count_text(v, label, sizeof label);
		put_text(p, p->regular, SMALL_SIZE, x0 - 4, y - 2.5, 1, label);
	}
	for (size_t b = 0; b < nbuckets; b++) {
		double h = height * (double)counts[b] / (double)top;
		if (bar_w >= 4) {
			box(p, x0 + b * bar_w + bar_w * 0.1, y0, bar_w * 0.8, h, 0.45);
		} else if (h > 0) {
			/* Too narrow for an outline: it would turn the bar black. */
			grey_fill(p, 0.35);
			HPDF_Page_Rectangle(p->page, (HPDF_REAL)(x0 + b * bar_w), (HPDF_REAL)y0,
					    (HPDF_REAL)bar_w, (HPDF_REAL)h);
			HPDF_Page_Fill(p->page);
			grey_fill(p, 0);
		}
	}
	stroke_line(p, x0, y0, x0, y0 + height, 0.8, 0);
	x_date_labels(p, first, last, bucket, x0, width, y0);
	put_text(p, p->regular, SMALL_SIZE, x0 + width, y0 - 22, 1,
		 bucket == 7 ? "Ansøgninger pr. uge" : "Ansøgninger pr. dag");
	if (deadline >= 0 && !deadline_shown) {
		snprintf(label, sizeof label, "%s (uden for diagrammet)", deadline_label);
		put_text(p, p->bold, SMALL_SIZE, x0 + 4, y0 + height + 6, -1, label);
	} else if (deadline >= 0) {
		static const HPDF_UINT16 dash[] = {4, 2};
		double x = x0 + ((double)(deadline - first) + report_deadline_in_day(deadline_date)) /
					(double)bucket * bar_w;
		HPDF_Page_SetDash(p->page, dash, 2, 0);
		stroke_line(p, x, y0, x, y0 + height + 12, 1.2, 0);
		HPDF_Page_SetDash(p->page, NULL, 0, 0);
		put_text(p, p->bold, SMALL_SIZE, x + (x > x0 + width / 2 ? -4 : 4), y0 + height + 6,
			 x > x0 + width / 2 ? 1 : -1, deadline_label);
	}
	free(counts);
	p->y = y0 - 32;
}

/* Grey levels far enough apart to tell on a greyscale print, darkest first. */
static const double series_grey[] = {0.15, 0.45, 0.7, 0.9, 1.0, 0.3, 0.6, 0.8};

void report_pdf_stacked_chart(struct report_pdf *p, const char *title, size_t nrows,
			      const char *const *row_labels, size_t nseries,
			      const char *const *series_labels, const long *values)
{
	/* Labels are offers' titles: two lines where one is not enough. */
	const double bar_h = 14, label_w = 165;
	double gap = 6;
	for (size_t i = 0; i < nrows && i < 28; i++)
		if (label_wraps(p, BODY_SIZE - 1, label_w - 8, row_labels[i]))
			gap = 12;
	double height = (nrows ? nrows : 1) * (bar_h + gap) + 50;
	long max = 0;
	char number[32];

	if (nseries > sizeof series_grey / sizeof *series_grey)
		nseries = sizeof series_grey / sizeof *series_grey;
	/* More rows than a page holds: the first ones, and a note saying so. */
	size_t all_rows = nrows;
	if (nrows > 28) {
		nrows = 28;
		height = nrows * (bar_h + gap) + 50;
	}
	chart_title(p, title, height);
	if (all_rows > nrows) {
		put_text(p, p->regular, SMALL_SIZE, MARGIN_L + TEXT_W, p->y + 4, 1, "(de første 28)");
	}
	for (size_t i = 0; i < nrows; i++) {
		long sum = 0;
		for (size_t j = 0; j < nseries; j++)
			sum += values[i * nseries + j];
		max = sum > max ? sum : max;
	}
	if (nrows == 0 || max == 0) {
		put_text(p, p->regular, BODY_SIZE, MARGIN_L, p->y - BODY_SIZE, -1,
			 "Ingen afgørelser at vise.");
		p->y -= BODY_SIZE + 12;
		return;
	}
	/* the legend first, so it is read before the bars */
	double lx = MARGIN_L;
	for (size_t j = 0; j < nseries; j++) {
		char clean[128];
		clean_for(p, series_labels[j], clean, sizeof clean);
		double w = text_width(p->regular, SMALL_SIZE, clean, strlen(clean));
		if (lx + 14 + w > MARGIN_L + TEXT_W) {
			lx = MARGIN_L;
			p->y -= 12;
		}
		box(p, lx, p->y - 8, 9, 9, series_grey[j]);
		draw_text(p, p->regular, SMALL_SIZE, lx + 12, p->y - 7, clean);
		lx += 22 + w;
	}
	p->y -= 18;
	long step = nice_step(max), top = ((max + step - 1) / step) * step;
	double x0 = MARGIN_L + label_w, width = TEXT_W - label_w - 30;
	double y_top = p->y, y_axis = p->y - nrows * (bar_h + gap);
	x_axis(p, x0, width, y_axis, top, step, y_top, "Antal ansøgninger");
	for (size_t i = 0; i < nrows; i++) {
		double y = y_top - (i + 1) * (bar_h + gap) + gap / 2, x = x0;
		long sum = 0;
		put_label_2(p, BODY_SIZE - 1, x0 - 6, y + 4, label_w - 8, row_labels[i]);
		for (size_t j = 0; j < nseries; j++) {
			long v = values[i * nseries + j];
			double w = width * (double)v / (double)top;
			box(p, x, y, w, bar_h, series_grey[j]);
			count_text(v, number, sizeof number);
			if (v && w > text_width(p->regular, SMALL_SIZE, number, strlen(number)) + 4) {
				grey_fill(p, series_grey[j] < 0.5 ? 1 : 0);
				put_text(p, p->regular, SMALL_SIZE, x + w / 2, y + 4.5, 0, number);
				grey_fill(p, 0);
			}
			x += w;
			sum += v;
		}
		count_text(sum, number, sizeof number);
		put_text(p, p->bold, BODY_SIZE - 1, x + 4, y + 4, -1, number);
	}
	stroke_line(p, x0, y_axis, x0, y_top, 0.8, 0);
	p->y = y_axis - 28;
}

int report_pdf_finish(struct report_pdf *p, unsigned char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	/* "Side 3 af 105" on every page: a printed report can be checked for a
	 * missing sheet.  libharu keeps each page's content stream open until
	 * it saves, so a page can still be drawn on. */
	for (int i = 0; !p->error && i < p->pages; i++) {
		char number[48];
		p->page = p->page_list[i];
		snprintf(number, sizeof number, "Side %d af %d", i + 1, p->pages);
		grey_fill(p, 0.3);
		put_text(p, p->regular, SMALL_SIZE, PAGE_W - MARGIN_R, 40, 1, number);
		grey_fill(p, 0);
	}
	if (!p->error && pdf_compact_finish(p->pdf, p->regular, p->bold) < 0) {
		msg_error("out of memory for a PDF");
		return -1;
	}
	if (!p->error)
		HPDF_SaveToStream(p->pdf);
	if (p->error)
		return -1;
	HPDF_UINT32 size = HPDF_GetStreamSize(p->pdf);
	unsigned char *data = malloc(size ? size : 1);
	if (!data) {
		msg_error("out of memory for a PDF of %u bytes", (unsigned)size);
		return -1;
	}
	HPDF_ResetStream(p->pdf);
	HPDF_UINT32 got = size;
	HPDF_STATUS rc = HPDF_ReadFromStream(p->pdf, data, &got);
	/* Reading to the end reports HPDF_STREAM_EOF with the bytes read. */
	if ((rc != HPDF_OK && rc != HPDF_STREAM_EOF) || got != size) {
		msg_error("libharu could not hand out the PDF (0x%04x)", (unsigned)rc);
		free(data);
		return -1;
	}
	p->error = 0;
	*out = data;
	*len = size;
	return 0;
}
