/*
 * pdf.c - page layout on libharu 2.3: blocks in, a PDF/A-1b file out.
 *
 * Rendering runs in three steps inside one HPDF_Doc:
 *   1. set up: compression before any font or page, the UTF-8 encoder
 *      before the Info strings, the two subset fonts (notes/libharu.md 1.6,
 *      1.1);
 *   2. layout: every block is measured and broken into lines with our own
 *      word wrapping (HPDF_Page_TextRect draws nothing for a word wider than
 *      its box and MeasureText can split a UTF-8 character, notes 1.4, 1.5),
 *      giving a list of drawing operations, each tagged with its page;
 *   3. drawing: page by page, graphics first and then all text in one
 *      BT..ET, so the graphics state machine is never violated (notes 1.7).
 * libharu reports errors through a handler that only records the first
 * one; after each step we look, and on an error free the document and
 * start again (pdf_doc_render).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hpdf.h>
#include <hpdf_conf.h>
#include <zlib.h>

#include "paths.h"
#include "pdf.h"
#include "pdf_tounicode.h"
#include "sha256.h"
#include "strbuf.h"
#include "utf8.h"

#define MAX_COLS 8

/* A4 portrait, in points. */
#define PAGE_W 595.276
#define PAGE_H 841.89
#define MARGIN_L 68.0
#define MARGIN_R 62.0
#define MARGIN_TOP 68.0    /* from the top edge to the first line */
#define MARGIN_BOTTOM 64.0 /* from the bottom edge to the last line */
#define TEXT_W (PAGE_W - MARGIN_L - MARGIN_R)
#define BULLET_INDENT 14.0
#define CELL_PAD 4.0

/* Internal styles beyond the public ones. */
#define STYLE_H1 8
#define STYLE_H2 16

#define FONT_REGULAR "fonts/skema-sans.ttf"
#define FONT_BOLD "fonts/skema-sans-bold.ttf"
#define DEFAULT_ICC "/usr/share/color/icc/sRGB.icc"

static const char REPLACEMENT[] = "\xEF\xBF\xBD"; /* U+FFFD */
static const char ELLIPSIS[] = "\xE2\x80\xA6";    /* U+2026 */

struct run {
	int style;
	char *text;
};

enum block_kind { B_PARA, B_HEADING, B_SPACE, B_PAGEBREAK, B_COLUMNS, B_TABLE };

struct row {
	int header;
	char *cells[MAX_COLS];
};

struct block {
	enum block_kind kind;
	int level;          /* heading */
	int bullet;         /* paragraph hung behind a bullet */
	double indent;      /* paragraph */
	double space;       /* B_SPACE */
	struct run *runs;   /* paragraph, heading (one run) */
	size_t nruns;
	char *left, *right; /* columns */
	int ncols;          /* table */
	double widths[MAX_COLS];
	struct row *rows;
	size_t nrows;
};

struct pdf_doc {
	struct block *blocks;
	size_t nblocks, alloc;
	int open_para;   /* a paragraph or bullet is being built */
	int open_table;  /* a table is being built */
	char *title, *author, *subject, *keywords, *creator, *id_seed;
	time_t created;
	char *header_left, *header_right, *footer_left, *watermark;
	size_t replaced;
	int pages;
	int degraded;
};

/* --- text cleaning and the font's character set ----------------------------- */

static unsigned char coverage[65536 / 8];
static int coverage_state; /* 0 not loaded, 1 loaded, -1 failed */
static int cap_height[2];  /* regular, bold: in 1/1000 em; 0 when unknown */
static char cap_font[2][HPDF_LIMIT_MAX_NAME_LEN + 1]; /* their fontdefs' base names */
static HPDF_Dict_BeforeWriteFunc type0_before_write; /* libharu's, wrapped below */
static long font_fixed_size[2]; /* SaveFontData's scratch size less the glyphs; -1 unknown */

/*
 * Compact CIDs.  libharu's UTF-8 encoder makes every CID its code point, so
 * for each document and font libharu walks all 65,536 CIDs up to U+FFFD:
 * a cmap lookup and a width for each, a 128 KB CIDToGIDMap to deflate and a
 * long /W array -- over half the time a letter took.  The fonts hold a few
 * hundred characters, so the letters number them 1..ncids in code point
 * order instead (cid_of, cp_of_cid, made with the coverage): the encoder's
 * CID table and text encoding are replaced (compact_encoder), and the
 * ToUnicode CMap and /CIDSet follow the same numbering.  CID ncids + 1 is
 * given to U+001F, which is never drawn (pdf_clean_text replaces control
 * characters), because libharu's CIDFontType2_New leaves the highest CID
 * out of /W and the CIDToGIDMap.
 */
static unsigned short cid_of[65536];
static unsigned short cp_of_cid[65536];
static unsigned ncids;

/* --- libharu's font writer and a size that is a multiple of 4096 ------------- */

/*
 * libharu 2.3 writes an embedded TrueType font into a scratch memory stream
 * of 4096-byte buffers (HPDF_TTFontDef_SaveFontData), then seeks to the
 * start of each table to checksum it.  Our subset fonts have no hinting,
 * so the last required table, "prep", is empty and starts at the very end
 * of the stream.  When that end falls exactly on a buffer boundary
 * (the glyphs used make the whole a multiple of 4096 bytes), the seek asks
 * for a buffer that was never allocated and fails with HPDF_INVALID_OBJECT
 * (0x1033) while the file is written: 2 of 1,564 letters of a 3,000-case
 * run, each a different set of characters.  Every table but glyf has the
 * same size in every document, so the size is known before libharu writes:
 * font_fixed_size[] plus the glyphs used.  If it would be a multiple of
 * 4096, one more glyph of the font is embedded (it is in the font program
 * and in the /CIDSet; nothing draws it), which moves the end off the
 * boundary.
 */
static long glyphs_size(HPDF_TTFontDefAttr tt)
{
	long size = 0;
	for (unsigned i = 0; i < tt->num_glyphs; i++)
		if (tt->glyph_tbl.flgs[i] == 1)
			size += (long)(tt->glyph_tbl.offsets[i + 1] - tt->glyph_tbl.offsets[i]);
	return tt->header.index_to_loc_format == 0 ? size * 2 : size;
}

/*
 * Embeds one more glyph when the scratch stream would end on a buffer
 * boundary: the first unused one whose size does not itself keep the total
 * on a boundary.  Deterministic: the same glyphs used give the same choice.
 */
static void avoid_buffer_boundary(HPDF_TTFontDefAttr tt, long fixed)
{
	long size = fixed + glyphs_size(tt);
	long unit = tt->header.index_to_loc_format == 0 ? 2 : 1;

	if (size % HPDF_STREAM_BUF_SIZ != 0)
		return;
	for (unsigned i = 1; i < tt->num_glyphs; i++) {
		long len = (long)(tt->glyph_tbl.offsets[i + 1] - tt->glyph_tbl.offsets[i]) * unit;
		if (tt->glyph_tbl.flgs[i] != 1 && len > 0 && len % HPDF_STREAM_BUF_SIZ != 0) {
			tt->glyph_tbl.flgs[i] = 1;
			return;
		}
	}
}

/*
 * Measures font_fixed_size[i] once: libharu writes the font as it would
 * into a PDF, and the glyphs it embedded are taken off.  If that very
 * write hits the boundary, one more glyph is marked and it is tried again.
 * Returns 0, or -1 (the guard is then off, font_fixed_size[i] = -1).
 */
static int measure_font_size(HPDF_Doc pdf, HPDF_FontDef def, int i)
{
	HPDF_TTFontDefAttr tt = (HPDF_TTFontDefAttr)def->attr;

	font_fixed_size[i] = -1;
	if (!tt || !tt->glyph_tbl.flgs || !tt->glyph_tbl.offsets)
		return -1;
	for (int tries = 0; tries < 2; tries++) {
		HPDF_Stream s = HPDF_MemStream_New(pdf->mmgr, HPDF_STREAM_BUF_SIZ);
		if (!s)
			return -1;
		HPDF_STATUS rc = HPDF_TTFontDef_SaveFontData(def, s);
		HPDF_Stream_Free(s);
		if (rc == HPDF_OK) {
			/* length1 = 12 + 16 per table + the scratch stream. */
			font_fixed_size[i] = (long)tt->length1 - (12 + 16 * 13) - glyphs_size(tt);
			break;
		}
		/* The measuring write hit the boundary itself: one glyph more. */
		HPDF_ResetError(pdf);
		for (unsigned g = 1; g < tt->num_glyphs; g++)
			if (tt->glyph_tbl.flgs[g] != 1 &&
			    tt->glyph_tbl.offsets[g + 1] > tt->glyph_tbl.offsets[g]) {
				tt->glyph_tbl.flgs[g] = 1;
				break;
			}
	}
	return font_fixed_size[i] < 0 ? -1 : 0;
}

/*
 * The height of capital H, for the font descriptors' /CapHeight, which
 * libharu 2.3 leaves out (notes/libharu.md 1.3) and PDF requires.  DejaVu's
 * OS/2 table is version 1, without sCapHeight, so it is read from the glyph:
 * yMax of the glyf entry (offset 8 in its header) that 'H' maps to.
 */
static int read_cap_height(const char *path, HPDF_FontDef def)
{
	HPDF_TTFontDefAttr attr = def ? (HPDF_TTFontDefAttr)def->attr : NULL;
	unsigned char ymax[2];
	int cap = 0;

	if (!attr || !attr->glyph_tbl.offsets || !attr->header.units_per_em)
		return 0;
	HPDF_UINT16 gid = HPDF_TTFontDef_GetGlyphid(def, 'H');
	if (gid == 0 || gid >= attr->num_glyphs)
		return 0;
	/* libharu keeps a short-format loca as read: in units of two bytes. */
	long at = (long)attr->glyph_tbl.offsets[gid] * (attr->header.index_to_loc_format == 0 ? 2 : 1);
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	if (fseek(f, (long)attr->glyph_tbl.base_offset + at + 8, SEEK_SET) == 0 &&
	    fread(ymax, 1, 2, f) == 2)
		cap = (int16_t)((ymax[0] << 8) | ymax[1]) * 1000 / attr->header.units_per_em;
	fclose(f);
	return cap > 0 && cap < 1000 ? cap : 0;
}

static void coverage_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user)
{
	(void)error_no;
	(void)detail_no;
	*(int *)user = 1;
}

/*
 * Asks libharu which code points both fonts map to a real glyph.  Done once
 * per process in a throwaway document: the subset fonts have few cmap
 * segments, so the 2 x 65,536 lookups take a few milliseconds.
 */
static int coverage_load(void)
{
	char regular[PATH_MAX], bold[PATH_MAX];
	int failed = 0;
	HPDF_Doc pdf;

	if (coverage_state)
		return coverage_state;
	coverage_state = -1;
	if (paths_find(FONT_REGULAR, regular, sizeof regular) < 0 ||
	    paths_find(FONT_BOLD, bold, sizeof bold) < 0)
		return -1;
	pdf = HPDF_New(coverage_error, &failed);
	if (!pdf)
		return -1;
	const char *rname = HPDF_LoadTTFontFromFile(pdf, regular, HPDF_TRUE);
	const char *bname = HPDF_LoadTTFontFromFile(pdf, bold, HPDF_TRUE);
	HPDF_FontDef rdef = rname ? HPDF_GetFontDef(pdf, rname) : NULL;
	HPDF_FontDef bdef = bname ? HPDF_GetFontDef(pdf, bname) : NULL;
	if (!failed && rdef && bdef) {
		cap_height[0] = read_cap_height(regular, rdef);
		cap_height[1] = read_cap_height(bold, bdef);
		snprintf(cap_font[0], sizeof cap_font[0], "%s", rdef->base_font);
		snprintf(cap_font[1], sizeof cap_font[1], "%s", bdef->base_font);
		measure_font_size(pdf, rdef, 0);
		measure_font_size(pdf, bdef, 1);
		memset(coverage, 0, sizeof coverage);
		for (unsigned cp = 0x20; cp < 0x10000; cp++)
			if (HPDF_TTFontDef_GetGlyphid(rdef, (HPDF_UINT16)cp) != 0 &&
			    HPDF_TTFontDef_GetGlyphid(bdef, (HPDF_UINT16)cp) != 0)
				coverage[cp / 8] |= (unsigned char)(1u << (cp % 8));
		ncids = 0;
		memset(cid_of, 0, sizeof cid_of);
		for (unsigned cp = 0x20; cp < 0x10000; cp++)
			if (coverage[cp / 8] & (1u << (cp % 8))) {
				cid_of[cp] = (unsigned short)++ncids;
				cp_of_cid[ncids] = (unsigned short)cp;
			}
		cid_of[0x001F] = (unsigned short)(ncids + 1);
		coverage_state = 1;
	}
	HPDF_Free(pdf);
	return coverage_state;
}

/* --- deflate at level 1 -------------------------------------------------------- */

/*
 * libharu 2.3 deflates every stream at zlib's default level (6), set up
 * and torn down per stream (hpdf_streams.c), which was a quarter of a
 * letter's time.  Level 1 costs a third of that for ~10 % more bytes
 * (a letter stays far under 40 KB).  fast_deflate() compresses a stream's
 * data in place with one z_stream kept for the process, clears libharu's
 * filter and lets write_flate_filter() write the /Filter (libharu drops a
 * /Filter entry from a stream it does not filter itself).  zlib's output
 * depends only on the input and the level, so the bytes stay the same for
 * the same letter.
 */
static z_stream zfast;
static int zfast_state; /* 0 not set up, 1 ready, -1 failed */
static unsigned char *zfast_buf;
static size_t zfast_cap;

static HPDF_STATUS write_flate_filter(HPDF_Dict dict, HPDF_Stream stream);

/*
 * Deflates the data of a stream object at level 1, in place.  Returns 0,
 * or -1 with the stream untouched (libharu then filters it as it would).
 */
static int fast_deflate(HPDF_Dict dict)
{
	HPDF_Stream s = dict ? dict->stream : NULL;

	if (!s || s->type != HPDF_STREAM_MEMORY || dict->write_fn)
		return -1;
	if (zfast_state == 0) {
		zfast_state = deflateInit2(&zfast, 1, Z_DEFLATED, 15, 8, Z_DEFAULT_STRATEGY) == Z_OK ? 1 : -1;
	} else if (zfast_state > 0 && deflateReset(&zfast) != Z_OK) {
		deflateEnd(&zfast);
		zfast_state = -1;
	}
	if (zfast_state < 0)
		return -1;
	size_t need = deflateBound(&zfast, s->size) + 16;
	if (need > zfast_cap) {
		unsigned char *p = realloc(zfast_buf, need);
		if (!p)
			return -1;
		zfast_buf = p;
		zfast_cap = need;
	}
	zfast.next_out = zfast_buf;
	zfast.avail_out = (uInt)zfast_cap;
	HPDF_UINT count = HPDF_MemStream_GetBufCount(s);
	size_t seen = 0;
	for (HPDF_UINT i = 0; i < count; i++) {
		HPDF_UINT len = 0;
		HPDF_BYTE *p = HPDF_MemStream_GetBufPtr(s, i, &len);
		if (!p)
			return -1;
		zfast.next_in = p;
		zfast.avail_in = len;
		seen += len;
		if (deflate(&zfast, Z_NO_FLUSH) != Z_OK || zfast.avail_in != 0)
			return -1;
	}
	if (seen != s->size || deflate(&zfast, Z_FINISH) != Z_STREAM_END)
		return -1;
	HPDF_MemStream_FreeData(s);
	if (HPDF_Stream_Write(s, zfast_buf, (HPDF_UINT)zfast.total_out) != HPDF_OK)
		return -1;
	dict->filter = HPDF_STREAM_FILTER_NONE;
	dict->write_fn = write_flate_filter;
	return 0;
}

/* Level 1 for every stream libharu would deflate itself (the pages' content). */
static void fast_deflate_all(HPDF_Xref xref)
{
	for (HPDF_UINT i = 0; i < xref->entries->count; i++) {
		HPDF_XrefEntry e = HPDF_List_ItemAt(xref->entries, i);
		HPDF_Obj_Header *h = e ? e->obj : NULL;
		if (h && (h->obj_class & HPDF_OCLASS_ANY) == HPDF_OCLASS_DICT) {
			HPDF_Dict d = (HPDF_Dict)h;
			if (d->stream && d->filter == HPDF_STREAM_FILTER_FLATE_DECODE)
				fast_deflate(d);
		}
	}
}

static void fast_deflate_release(void)
{
	if (zfast_state > 0)
		deflateEnd(&zfast);
	zfast_state = 0;
	free(zfast_buf);
	zfast_buf = NULL;
	zfast_cap = 0;
}

/*
 * libharu 2.3 creates a CID font's descriptor only while it writes the
 * Type0 font, and leaves /CapHeight out.  This wraps that step and adds it
 * to the descriptor just made (it is written after the font dictionary).
 */
/*
 * The /CIDSet ISO 19005-1 6.3.5 asks of a subset CID font, which libharu
 * 2.3 leaves out.  PDF/A-1 requires that every CID it lists is in the font
 * program (veraPDF checks only that direction for part 1), so it lists the
 * characters this document used whose glyph has an outline in the embedded
 * subset: libharu marked them used (glyph_tbl.flgs) and kept their glyf
 * data; a glyph without outline (the space) is left out rather than risk a
 * listed CID the program does not hold.  CID = Unicode (the UTF-8 encoder).
 */
static void add_cidset(HPDF_Dict font, HPDF_FontDef def, HPDF_Dict descriptor)
{
	HPDF_TTFontDefAttr tt = (HPDF_TTFontDefAttr)def->attr;
	unsigned char bits[65536 / 8];
	unsigned last = 0;

	if (!tt || !tt->glyph_tbl.flgs || !tt->glyph_tbl.offsets)
		return;
	memset(bits, 0, sizeof bits);
	bits[0] = 0x80; /* CID 0, .notdef */
	for (unsigned cid = 1; cid <= ncids; cid++) {
		HPDF_UINT16 gid = HPDF_TTFontDef_GetGlyphid(def, cp_of_cid[cid]);
		if (gid == 0 || gid >= tt->num_glyphs || !tt->glyph_tbl.flgs[gid] ||
		    tt->glyph_tbl.offsets[gid + 1] <= tt->glyph_tbl.offsets[gid])
			continue;
		bits[cid / 8] |= (unsigned char)(0x80u >> (cid % 8));
		last = cid;
	}
	HPDF_Dict set = HPDF_DictStream_New(font->mmgr, ((HPDF_FontAttr)font->attr)->xref);
	if (!set)
		return;
	set->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
	HPDF_Stream_Write(set->stream, bits, last / 8 + 1);
	fast_deflate(set);
	HPDF_Dict_Add(descriptor, "CIDSet", set);
}

/*
 * The first write of a font in a document embeds its program (libharu
 * makes the descriptor then): keep libharu's scratch stream off a buffer
 * boundary (avoid_buffer_boundary).  Only for our two fonts, known by the
 * names a handle gives them when loaded in the usual order.
 */
static void guard_font(HPDF_Dict font)
{
	HPDF_FontAttr attr = (HPDF_FontAttr)font->attr;
	HPDF_FontDef def = attr ? attr->fontdef : NULL;

	if (def && !def->descriptor && def->type == HPDF_FONTDEF_TYPE_TRUETYPE && def->attr)
		for (int i = 0; i < 2; i++)
			if (font_fixed_size[i] > 0 && strcmp(def->base_font, cap_font[i]) == 0)
				avoid_buffer_boundary((HPDF_TTFontDefAttr)def->attr, font_fixed_size[i]);
}

static HPDF_STATUS guarded_before_write(HPDF_Dict font)
{
	guard_font(font);
	return type0_before_write(font);
}

void pdf_font_guard(HPDF_Font font)
{
	if (!font || coverage_load() <= 0)
		return;
	if (!type0_before_write)
		type0_before_write = font->before_write_fn;
	if (type0_before_write && font->before_write_fn == type0_before_write)
		font->before_write_fn = guarded_before_write;
}

static HPDF_STATUS type0_before_write_with_cap_height(HPDF_Dict font)
{
	HPDF_FontAttr attr = (HPDF_FontAttr)font->attr;
	HPDF_FontDef def = attr ? attr->fontdef : NULL;

	guard_font(font);
	HPDF_STATUS rc = type0_before_write(font);
	HPDF_Dict descriptor = def ? def->descriptor : NULL;
	if (!descriptor && attr && attr->descendant_font)
		descriptor = HPDF_Dict_GetItem(attr->descendant_font, "FontDescriptor", HPDF_OCLASS_DICT);
	/* The font program, just made unfiltered (the font's filter is off,
	 * see attempt): deflated here at level 1, else by libharu as before. */
	HPDF_Dict program = rc == HPDF_OK && descriptor && font->filter == HPDF_STREAM_FILTER_NONE
		? HPDF_Dict_GetItem(descriptor, "FontFile2", HPDF_OCLASS_DICT) : NULL;
	if (program && !program->write_fn && fast_deflate(program) < 0)
		program->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
	/* The CMap and the CIDToGIDMap, which libharu has just given the
	 * font's filter, likewise. */
	HPDF_Dict made[2] = {attr ? attr->cmap_stream : NULL, attr ? attr->map_stream : NULL};
	for (int i = 0; i < 2; i++) {
		if (!made[i] || rc != HPDF_OK)
			continue;
		if (made[i]->write_fn == write_flate_filter)
			made[i]->filter = HPDF_STREAM_FILTER_NONE; /* a kept font's, deflated before */
		else if (font->filter == HPDF_STREAM_FILTER_NONE && !made[i]->write_fn &&
			 fast_deflate(made[i]) < 0)
			made[i]->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
	}
	if (rc != HPDF_OK || !descriptor || HPDF_Dict_GetItem(descriptor, "CapHeight", HPDF_OCLASS_NUMBER))
		return rc;
	if (coverage_state > 0)
		add_cidset(font, def, descriptor);
	for (int i = 0; i < 2; i++)
		if (cap_height[i] > 0 && strcmp(def->base_font, cap_font[i]) == 0)
			return HPDF_Dict_AddNumber(descriptor, "CapHeight", cap_height[i]);
	return rc;
}

int pdf_font_has(unsigned cp)
{
	if (coverage_load() < 0)
		return -1;
	return cp < 0x10000 && (coverage[cp / 8] & (1u << (cp % 8))) ? 1 : 0;
}

char *pdf_clean_text(const char *text, size_t max, size_t *replaced)
{
	struct strbuf out;
	size_t count = 0;
	int have_font = coverage_load() > 0;

	strbuf_init(&out, 0);
	if (strbuf_puts(&out, "") < 0)
		return NULL;
	for (const char *p = text ? text : ""; *p;) {
		uint32_t cp;
		size_t n = utf8_decode(p, &cp);
		const char *put = p;
		size_t putlen = n;

		if (out.len + 4 > max) {
			/* Cut at a character boundary; the ellipsis shows it. */
			if (strbuf_puts(&out, ELLIPSIS) < 0)
				goto fail;
			break;
		}
		if (n == 0) {
			/* Not UTF-8: one byte becomes one visible replacement. */
			put = REPLACEMENT, putlen = 3, n = 1, count++;
		} else if (cp == '\r') {
			/* CRLF is one line break; a lone CR is one too. */
			put = p[1] == '\n' ? "" : "\n", putlen = p[1] == '\n' ? 0 : 1;
		} else if (cp == '\t') {
			put = " ", putlen = 1;
		} else if (cp == '\n') {
			;
		} else if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) ||
			   (have_font && !pdf_font_has(cp)) || (!have_font && cp >= 0x80)) {
			put = REPLACEMENT, putlen = 3, count++;
		}
		if (strbuf_append(&out, put, putlen) < 0)
			goto fail;
		p += n;
	}
	if (replaced)
		*replaced += count;
	return strbuf_detach(&out);
fail:
	strbuf_release(&out);
	return NULL;
}

/* --- building the block list ------------------------------------------------ */

struct pdf_doc *pdf_doc_new(void)
{
	return calloc(1, sizeof(struct pdf_doc));
}

static void block_release(struct block *b)
{
	for (size_t i = 0; i < b->nruns; i++)
		free(b->runs[i].text);
	free(b->runs);
	free(b->left);
	free(b->right);
	for (size_t i = 0; i < b->nrows; i++)
		for (int c = 0; c < MAX_COLS; c++)
			free(b->rows[i].cells[c]);
	free(b->rows);
}

void pdf_doc_free(struct pdf_doc *doc)
{
	if (!doc)
		return;
	for (size_t i = 0; i < doc->nblocks; i++)
		block_release(&doc->blocks[i]);
	free(doc->blocks);
	free(doc->title);
	free(doc->author);
	free(doc->subject);
	free(doc->keywords);
	free(doc->creator);
	free(doc->id_seed);
	free(doc->header_left);
	free(doc->header_right);
	free(doc->footer_left);
	free(doc->watermark);
	free(doc);
}

/* Replaces *slot with a cleaned copy of text (NULL stays NULL). */
static int set_text(struct pdf_doc *doc, char **slot, const char *text)
{
	char *copy = NULL;
	if (text && !(copy = pdf_clean_text(text, PDF_MAX_TEXT, &doc->replaced)))
		return -1;
	free(*slot);
	*slot = copy;
	return 0;
}

int pdf_set_meta(struct pdf_doc *doc, const struct pdf_meta *meta)
{
	doc->created = meta->created;
	if (set_text(doc, &doc->title, meta->title) < 0 ||
	    set_text(doc, &doc->author, meta->author) < 0 ||
	    set_text(doc, &doc->subject, meta->subject) < 0 ||
	    set_text(doc, &doc->keywords, meta->keywords) < 0 ||
	    set_text(doc, &doc->creator, meta->creator) < 0)
		return -1;
	free(doc->id_seed);
	doc->id_seed = meta->id_seed ? strdup(meta->id_seed) : NULL;
	return meta->id_seed && !doc->id_seed ? -1 : 0;
}

int pdf_set_header(struct pdf_doc *doc, const char *left, const char *right)
{
	return set_text(doc, &doc->header_left, left) < 0 ||
			       set_text(doc, &doc->header_right, right) < 0
		       ? -1
		       : 0;
}

int pdf_set_footer(struct pdf_doc *doc, const char *left)
{
	return set_text(doc, &doc->footer_left, left);
}

int pdf_set_watermark(struct pdf_doc *doc, const char *text)
{
	return set_text(doc, &doc->watermark, text);
}

/* Appends a zeroed block; NULL when out of memory.  Closes an open paragraph or table. */
static struct block *add_block(struct pdf_doc *doc, enum block_kind kind)
{
	doc->open_para = 0;
	doc->open_table = 0;
	if (doc->nblocks == doc->alloc) {
		size_t alloc = doc->alloc ? doc->alloc * 2 : 32;
		struct block *grown = realloc(doc->blocks, alloc * sizeof *grown);
		if (!grown)
			return NULL;
		doc->blocks = grown;
		doc->alloc = alloc;
	}
	struct block *b = &doc->blocks[doc->nblocks++];
	memset(b, 0, sizeof *b);
	b->kind = kind;
	return b;
}

static int add_run(struct pdf_doc *doc, struct block *b, int style, const char *text)
{
	struct run *grown = realloc(b->runs, (b->nruns + 1) * sizeof *grown);
	if (!grown)
		return -1;
	b->runs = grown;
	char *clean = pdf_clean_text(text, PDF_MAX_TEXT, &doc->replaced);
	if (!clean)
		return -1;
	b->runs[b->nruns].style = style;
	b->runs[b->nruns].text = clean;
	b->nruns++;
	return 0;
}

int pdf_heading(struct pdf_doc *doc, int level, const char *text)
{
	struct block *b = add_block(doc, B_HEADING);
	if (!b)
		return -1;
	b->level = level <= 1 ? 1 : 2;
	return add_run(doc, b, PDF_BOLD | (b->level == 1 ? STYLE_H1 : STYLE_H2), text);
}

int pdf_para_begin(struct pdf_doc *doc, double indent)
{
	struct block *b = add_block(doc, B_PARA);
	if (!b)
		return -1;
	b->indent = indent < 0 ? 0 : indent > TEXT_W / 2 ? TEXT_W / 2 : indent;
	doc->open_para = 1;
	return 0;
}

int pdf_bullet_begin(struct pdf_doc *doc)
{
	if (pdf_para_begin(doc, 0) < 0)
		return -1;
	doc->blocks[doc->nblocks - 1].bullet = 1;
	return 0;
}

int pdf_para_text(struct pdf_doc *doc, int style, const char *text)
{
	if (!doc->open_para && pdf_para_begin(doc, 0) < 0)
		return -1;
	return add_run(doc, &doc->blocks[doc->nblocks - 1],
		       style & (PDF_BOLD | PDF_SMALL | PDF_GREY), text);
}

int pdf_para_end(struct pdf_doc *doc)
{
	doc->open_para = 0;
	return 0;
}

int pdf_paragraph(struct pdf_doc *doc, int style, const char *text)
{
	if (pdf_para_begin(doc, 0) < 0 || pdf_para_text(doc, style, text) < 0)
		return -1;
	return pdf_para_end(doc);
}

int pdf_space(struct pdf_doc *doc, double points)
{
	struct block *b = add_block(doc, B_SPACE);
	if (!b)
		return -1;
	b->space = points < 0 ? 0 : points > PAGE_H / 2 ? PAGE_H / 2 : points;
	return 0;
}

int pdf_page_break(struct pdf_doc *doc)
{
	return add_block(doc, B_PAGEBREAK) ? 0 : -1;
}

int pdf_columns(struct pdf_doc *doc, const char *left, const char *right)
{
	struct block *b = add_block(doc, B_COLUMNS);
	if (!b)
		return -1;
	return set_text(doc, &b->left, left ? left : "") < 0 ||
			       set_text(doc, &b->right, right ? right : "") < 0
		       ? -1
		       : 0;
}

int pdf_table_begin(struct pdf_doc *doc, int ncols, const double *widths)
{
	struct block *b = add_block(doc, B_TABLE);
	double sum = 0;
	if (!b)
		return -1;
	b->ncols = ncols < 1 ? 1 : ncols > MAX_COLS ? MAX_COLS : ncols;
	for (int c = 0; c < b->ncols; c++) {
		b->widths[c] = widths && widths[c] > 0 ? widths[c] : 1.0 / b->ncols;
		sum += b->widths[c];
	}
	for (int c = 0; c < b->ncols; c++)
		b->widths[c] /= sum; /* whatever the caller summed to, fill the width */
	doc->open_table = 1;
	return 0;
}

int pdf_table_row(struct pdf_doc *doc, int header, const char *const *cells)
{
	if (!doc->open_table || !doc->nblocks)
		return -1;
	struct block *b = &doc->blocks[doc->nblocks - 1];
	struct row *grown = realloc(b->rows, (b->nrows + 1) * sizeof *grown);
	if (!grown)
		return -1;
	b->rows = grown;
	struct row *r = &b->rows[b->nrows++];
	memset(r, 0, sizeof *r);
	r->header = header && b->nrows == 1;
	for (int c = 0; c < b->ncols; c++)
		if (set_text(doc, &r->cells[c], cells[c] ? cells[c] : "") < 0)
			return -1;
	return 0;
}

int pdf_table_end(struct pdf_doc *doc)
{
	doc->open_table = 0;
	return 0;
}

static void dump_text(struct strbuf *sb, const char *text)
{
	for (const char *p = text ? text : ""; *p; p++)
		if (*p == '\n')
			strbuf_puts(sb, "\\n");
		else
			strbuf_putc(sb, *p);
}

char *pdf_doc_dump(const struct pdf_doc *doc)
{
	struct strbuf sb;
	strbuf_init(&sb, 0);
	strbuf_puts(&sb, "");
	for (size_t i = 0; i < doc->nblocks; i++) {
		const struct block *b = &doc->blocks[i];
		switch (b->kind) {
		case B_HEADING:
			strbuf_printf(&sb, "H%d ", b->level);
			break;
		case B_PARA:
			strbuf_puts(&sb, b->bullet ? "B " : "P ");
			break;
		case B_SPACE:
			strbuf_puts(&sb, "SPACE");
			break;
		case B_PAGEBREAK:
			strbuf_puts(&sb, "PAGE");
			break;
		case B_COLUMNS:
			strbuf_puts(&sb, "C ");
			dump_text(&sb, b->left);
			strbuf_puts(&sb, " | ");
			dump_text(&sb, b->right);
			break;
		case B_TABLE:
			for (size_t r = 0; r < b->nrows; r++) {
				strbuf_puts(&sb, b->rows[r].header ? "TH " : "T ");
				for (int c = 0; c < b->ncols; c++) {
					if (c)
						strbuf_puts(&sb, " | ");
					dump_text(&sb, b->rows[r].cells[c]);
				}
				if (r + 1 < b->nrows)
					strbuf_putc(&sb, '\n');
			}
			break;
		}
		for (size_t k = 0; k < b->nruns; k++) {
			int bold = (b->runs[k].style & PDF_BOLD) && b->kind == B_PARA;
			if (bold)
				strbuf_puts(&sb, "[b]");
			dump_text(&sb, b->runs[k].text);
			if (bold)
				strbuf_puts(&sb, "[/b]");
		}
		strbuf_putc(&sb, '\n');
	}
	if (sb.overflow) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb);
}

int pdf_doc_pages(const struct pdf_doc *doc)
{
	return doc->pages;
}

size_t pdf_doc_replaced(const struct pdf_doc *doc)
{
	return doc->replaced;
}

int pdf_doc_degraded(const struct pdf_doc *doc)
{
	return doc->degraded;
}

/* --- layout ------------------------------------------------------------------ */

enum op_kind { OP_TEXT, OP_LINE, OP_FILL };

struct op {
	enum op_kind kind;
	int page;  /* 0-based */
	int style;
	double x, y, x2, y2;  /* text: baseline start; line: ends; fill: rect corners */
	const char *text;
	size_t len;
};

struct render {
	struct pdf_doc *doc;
	HPDF_Doc pdf;
	HPDF_Font regular, bold;
	HPDF_STATUS error, detail;
	HPDF_Encoder encoder; /* the UTF-8 encoder made compact, or NULL */
	const char *where;  /* what we were doing when it failed */
	struct op *ops;
	size_t nops, aops;
	int oom;
	int page;           /* current page while laying out, 0-based */
	double y;           /* top of the next line */
	int page_empty;
	int after_bullet;   /* the last block was a bullet item */
};

/* A piece of a run placed on a line. */
struct seg {
	int line;
	int style;
	const char *text;
	size_t len;
	double x, w;
};

struct segs {
	struct seg *v;
	size_t n, alloc;
	int lines;
};

static void error_handler(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user)
{
	struct render *r = user;
	if (!r->error) {
		r->error = error_no;
		r->detail = detail_no;
	}
}

static double style_size(int style)
{
	if (style & STYLE_H1)
		return 14.0;
	if (style & STYLE_H2)
		return 11.5;
	if (style & PDF_SMALL)
		return 8.5;
	return 10.0;
}

static double line_height(int style)
{
	return style_size(style) * 1.36;
}

static HPDF_Font style_font(const struct render *r, int style)
{
	return style & PDF_BOLD ? r->bold : r->regular;
}

/*
 * Width in points.  libharu refuses strings over 65,535 bytes (0x105B, and
 * then the document is spoilt), so long text is measured in pieces cut at
 * character boundaries.
 */
static double text_width(const struct render *r, int style, const char *text, size_t len)
{
	double total = 0;
	while (len > 0) {
		size_t n = len;
		if (n > 4096) {
			n = 4096;
			while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
				n--;
			if (n == 0)
				n = 4096;
		}
		HPDF_TextWidth tw = HPDF_Font_TextWidth(style_font(r, style), (const HPDF_BYTE *)text,
							(HPDF_UINT)n);
		total += tw.width;
		text += n;
		len -= n;
	}
	return total * style_size(style) / 1000.0;
}

static struct op *add_op(struct render *r, enum op_kind kind)
{
	if (r->nops == r->aops) {
		size_t alloc = r->aops ? r->aops * 2 : 256;
		struct op *grown = realloc(r->ops, alloc * sizeof *grown);
		if (!grown) {
			r->oom = 1;
			return NULL;
		}
		r->ops = grown;
		r->aops = alloc;
	}
	struct op *o = &r->ops[r->nops++];
	memset(o, 0, sizeof *o);
	o->kind = kind;
	o->page = r->page;
	return o;
}

static void add_text(struct render *r, int style, double x, double y, const char *text, size_t len)
{
	struct op *o = add_op(r, OP_TEXT);
	if (o) {
		o->style = style;
		o->x = x, o->y = y;
		o->text = text, o->len = len;
	}
}

static void add_line(struct render *r, double x1, double y1, double x2, double y2)
{
	struct op *o = add_op(r, OP_LINE);
	if (o)
		o->x = x1, o->y = y1, o->x2 = x2, o->y2 = y2;
}

static void add_fill(struct render *r, double x1, double y1, double x2, double y2)
{
	struct op *o = add_op(r, OP_FILL);
	if (o)
		o->x = x1, o->y = y1, o->x2 = x2, o->y2 = y2;
}

static struct seg *add_seg(struct render *r, struct segs *s)
{
	if (s->n == s->alloc) {
		size_t alloc = s->alloc ? s->alloc * 2 : 64;
		struct seg *grown = realloc(s->v, alloc * sizeof *grown);
		if (!grown) {
			r->oom = 1;
			return NULL;
		}
		s->v = grown;
		s->alloc = alloc;
	}
	return &s->v[s->n++];
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * A space that holds numbers to their neighbours, never a line break:
 * after a digit or a digit and a full stop, or before a digit.  So
 * "+45 72 42 37 00", "1. oktober 2021", "kl. 12.00" and "40 timer" stay
 * whole, as Danish typesetting keeps them (with no-break spaces).  text
 * is the run the space at p is in.
 */
static int glue_space(const char *text, const char *p)
{
	if (p[1] == ' ' || p[1] == '\0' || p[1] == '\n' || p == text)
		return 0;
	return is_digit(p[-1]) || is_digit(p[1]) ||
	       (p[-1] == '.' && p - 1 > text && is_digit(p[-2]));
}

/*
 * Breaks runs into lines at most width wide: greedy, breaking at ASCII
 * spaces (but not glue_space()s) and '\n'; a word wider than a whole line is cut between two UTF-8
 * characters (never inside one, the MeasureText bug in notes 1.5).
 * Consecutive words of one run on one line become one segment, so a line
 * usually costs one text operator.
 */
/*
 * Where a word is cut at no joint of its own, the cut at fit moved back so
 * that at least three characters go on to the next line: "Ungeforvaltninge"
 * above "n" reads as a mistake, "Ungeforvaltnin" above "gen" as a break.
 */
static size_t keep_tail(const char *word, size_t fit, size_t len)
{
	size_t tail = 0, kept = 0;
	for (size_t i = fit; i < len && tail < 3; i++)
		tail += ((unsigned char)word[i] & 0xC0) != 0x80;
	for (size_t i = 0; i < fit; i++)
		kept += ((unsigned char)word[i] & 0xC0) != 0x80;
	while (tail < 3 && kept > 6 && fit > 0) {
		do
			fit--;
		while (fit > 0 && ((unsigned char)word[fit] & 0xC0) == 0x80);
		tail++, kept--;
	}
	return fit;
}

static void wrap(struct render *r, const struct run *runs, size_t nruns, double width,
		 struct segs *out)
{
	double x = 0;
	int line = 0, line_used = 0;
	struct seg *last = NULL; /* the segment words of the same run may extend */

	int space_before = 0; /* spaces seen since the last word, across runs */
	const char *space_at = NULL;

	out->n = 0;
	for (size_t i = 0; i < nruns; i++) {
		const char *p = runs[i].text;
		int style = runs[i].style;
		double space_w = text_width(r, style, " ", 1);

		last = NULL;
		while (*p) {
			if (*p == ' ') {
				if (!space_before)
					space_at = p;
				space_before++;
				p++;
				continue;
			}
			if (*p == '\n') {
				line++, x = 0, line_used = 0, last = NULL, space_before = 0;
				p++;
				continue;
			}
			const char *word = p;
			while (*p && *p != '\n' && (*p != ' ' || glue_space(runs[i].text, p)))
				p++;
			size_t len = (size_t)(p - word);
			double w = text_width(r, style, word, len);
			if (w > width) {
				/* Numbers held together that cannot fit even a line of
				 * their own (a narrow table cell): break at their spaces
				 * rather than inside "12.00". */
				const char *space = memchr(word, ' ', len);
				if (space) {
					p = space;
					len = (size_t)(p - word);
					w = text_width(r, style, word, len);
				}
			}
			double gap = line_used && space_before ? space_w : 0;

			if (line_used && x + gap + w > width) {
				line++, x = 0, line_used = 0, last = NULL, gap = 0;
			}
			while (w > width && len > 0) {
				/* Cut the word: as many whole characters as fit. */
				size_t fit = 0;
				double fw = 0;
				while (fit < len) {
					size_t n = utf8_valid_prefix(word + fit);
					if (n == 0)
						n = 1;
					double cw = text_width(r, style, word + fit, n);
					if (fw + cw > width - x && fit > 0)
						break;
					fw += cw;
					fit += n;
				}
				/* Where a name allows it, cut after its own joints
				 * ("maalgruppe_/handicap", "lise@/solgaarden.dk"). */
				if (fit < len) {
					size_t joint = fit;
					while (joint > 1 && !strchr("_-/@.", word[joint - 1]))
						joint--;
					if (joint > 1 && joint * 3 >= fit) {
						fit = joint;
						fw = text_width(r, style, word, fit);
					} else {
						fit = keep_tail(word, fit, len);
						fw = text_width(r, style, word, fit);
					}
				}
				struct seg *s = add_seg(r, out);
				if (!s)
					return;
				*s = (struct seg){line, style, word, fit, x, fw};
				word += fit, len -= fit;
				line++, x = 0, line_used = 0, last = NULL;
				/* 1,024 bytes are wider than any line: skip measuring
				 * the rest of a huge word again and again. */
				w = len > 1024 ? width + 1 : text_width(r, style, word, len);
			}
			if (len == 0) {
				space_before = 0;
				continue;
			}
			/* One space between words of one run: extend the segment. */
			if (last && space_before == 1 && gap > 0 && space_at + 1 == word &&
			    last->text + last->len == space_at) {
				last->len = (size_t)(word + len - last->text);
				last->w += gap + w;
				x += gap + w;
			} else {
				struct seg *s = add_seg(r, out);
				if (!s)
					return;
				*s = (struct seg){line, style, word, len, x + gap, w};
				last = s;
				x += gap + w;
			}
			line_used = 1;
			space_before = 0;
		}
	}
	out->lines = out->n ? line + 1 : 0;
}

static double content_top(void)
{
	return PAGE_H - MARGIN_TOP;
}

static void new_page(struct render *r)
{
	r->page++;
	r->y = content_top();
	r->page_empty = 1;
}

/* Makes room for h points, starting a new page when this one is too full. */
static void need(struct render *r, double h)
{
	if (r->y - h < MARGIN_BOTTOM && !r->page_empty)
		new_page(r);
}

/* The tallest line height among the runs. */
static double runs_line_height(const struct run *runs, size_t nruns)
{
	double lh = line_height(PDF_REGULAR);
	for (size_t i = 0; i < nruns; i++)
		if (line_height(runs[i].style) > lh)
			lh = line_height(runs[i].style);
	return lh;
}

/* A paragraph of up to this many lines is kept whole (a signature, an address). */
#define WHOLE_LINES 5
/*
 * The document's last paragraph is kept whole up to this many: its last two
 * lines alone on a page of their own (a klagevejledning) looked like a
 * mistake to the reviewer who read it; the whole section on that page reads
 * as meant.
 */
#define LAST_WHOLE_LINES 10

/*
 * Places wrapped lines at x, line by line, breaking pages between lines:
 * a paragraph of up to whole lines is kept whole, a longer one leaves at
 * least two lines on each page.  keep is the height of what must stay on
 * the page with the paragraph's last lines (0: none).
 */
static void place_lines(struct render *r, const struct segs *s, double x, double lh, double keep,
			int whole)
{
	size_t k = 0;
	if (s->lines <= whole)
		need(r, s->lines * lh + keep);
	else
		need(r, 2 * lh);
	for (int line = 0; line < s->lines; line++) {
		if (s->lines > whole && line == s->lines - 2)
			need(r, 2 * lh + keep);
		else
			need(r, lh);
		double base = r->y - lh * 0.76;
		for (; k < s->n && s->v[k].line == line; k++)
			add_text(r, s->v[k].style, x + s->v[k].x, base, s->v[k].text, s->v[k].len);
		r->y -= lh;
		r->page_empty = 0;
	}
}

/* Heights used to keep a heading with what follows it. */
static double first_lines_height(struct render *r, const struct block *b,
				 const struct block *after, struct segs *tmp);

/*
 * A block of short lines, each ended by hand: a letter's closing ("Med
 * venlig hilsen", the signatory, the authority) or an address.  It is not
 * left alone at the top of a page: the lines before it come along.
 */
static int is_line_block(const struct block *b)
{
	int breaks = 0;
	if (!b || b->kind != B_PARA || b->bullet)
		return 0;
	for (size_t i = 0; i < b->nruns; i++)
		for (const char *p = b->runs[i].text; p && *p; p++)
			breaks += *p == '\n';
	return breaks >= 2;
}

/* The whole height of a paragraph, as layout_para() places it. */
static double para_height(struct render *r, const struct block *b, struct segs *tmp)
{
	double x = MARGIN_L + b->indent + (b->bullet ? BULLET_INDENT : 0);
	wrap(r, b->runs, b->nruns, PAGE_W - MARGIN_R - x, tmp);
	return tmp->lines * runs_line_height(b->runs, b->nruns) + (b->bullet ? 2.0 : 6.0);
}

static void layout_para(struct render *r, const struct block *b, const struct block *next,
			struct segs *s, struct segs *tmp)
{
	double x = MARGIN_L + b->indent + (b->bullet ? BULLET_INDENT : 0);
	double lh = runs_line_height(b->runs, b->nruns);
	double keep = is_line_block(next) ? para_height(r, next, tmp) : 0;
	int whole = next ? WHOLE_LINES : LAST_WHOLE_LINES;

	wrap(r, b->runs, b->nruns, PAGE_W - MARGIN_R - x, s);
	if (b->bullet && s->lines > 0) {
		/* The room place_lines() will ask for, so the bullet goes with its text. */
		need(r, s->lines <= whole ? s->lines * lh + keep : 2 * lh);
		add_text(r, b->runs[0].style & ~PDF_BOLD, x - BULLET_INDENT + 3, r->y - lh * 0.76,
			 "\xE2\x80\xA2", 3);
	}
	place_lines(r, s, x, lh, keep, whole);
	r->y -= b->bullet ? 2.0 : 6.0;
	r->after_bullet = b->bullet;
}

static void layout_heading(struct render *r, const struct block *b, const struct block *next,
			   const struct block *after, struct segs *s, struct segs *tmp)
{
	double lh = runs_line_height(b->runs, b->nruns);
	double before = b->level == 1 ? 8.0 : 6.0;

	wrap(r, b->runs, b->nruns, TEXT_W, s);
	/* Never strand a heading: it needs its own lines plus the start of the next block. */
	double keep = before + s->lines * lh + 3.0 + (next ? first_lines_height(r, next, after, tmp) : 0);
	if (r->y - keep < MARGIN_BOTTOM && !r->page_empty)
		new_page(r);
	if (!r->page_empty)
		r->y -= before;
	place_lines(r, s, MARGIN_L, lh, 0, WHOLE_LINES);
	r->y -= 3.0;
}

static double layout_columns_height(struct render *r, const struct block *b, struct segs *s,
				    int draw);

static void layout_columns(struct render *r, const struct block *b, struct segs *s)
{
	double h = layout_columns_height(r, b, s, 0);
	if (h > content_top() - MARGIN_BOTTOM)
		h = content_top() - MARGIN_BOTTOM; /* taller than a page: clipped */
	need(r, h);
	layout_columns_height(r, b, s, 1);
	r->y -= h + 6.0;
	r->page_empty = 0;
}

/*
 * Column text is laid out one line per input line, each wrapped on its own.
 * The text is copied line by line because wrap() works on NUL-terminated runs.
 */
static double layout_columns_height(struct render *r, const struct block *b, struct segs *s,
				    int draw)
{
	const double gap = 20.0, colw = (TEXT_W - gap) / 2;
	const char *sides[2] = {b->left, b->right};
	double lh = line_height(PDF_REGULAR), tallest = 0;

	for (int side = 0; side < 2; side++) {
		const char *p = sides[side] ? sides[side] : "";
		double y = 0;
		while (*p) {
			const char *end = strchr(p, '\n');
			size_t len = end ? (size_t)(end - p) : strlen(p);
			struct run run = {*p == '*' ? PDF_BOLD : PDF_REGULAR, NULL};
			const char *start = p + (*p == '*');
			size_t slen = len - (size_t)(start - p);
			/* Point into the block's own text: wrap() stops at the
			 * NUL, so a line is wrapped from a NUL-terminated copy
			 * and the segments re-pointed into the block. */
			char *copy = strndup(start, slen);
			if (!copy) {
				r->oom = 1;
				return 0;
			}
			run.text = copy;
			wrap(r, &run, 1, colw, s);
			int lines = s->lines ? s->lines : 1;
			if (draw)
				for (size_t k = 0; k < s->n; k++) {
					double base = r->y - y - s->v[k].line * lh - lh * 0.76;
					/* Columns never break pages: clip at the margin. */
					if (base < MARGIN_BOTTOM)
						break;
					add_text(r, s->v[k].style,
						 MARGIN_L + side * (colw + gap) + s->v[k].x, base,
						 start + (s->v[k].text - copy), s->v[k].len);
				}
			free(copy);
			y += lines * lh;
			p = end ? end + 1 : p + len;
		}
		if (y > tallest)
			tallest = y;
	}
	return tallest;
}

/* Wraps one table cell; returns its height.  Segments land in s. */
static double cell_wrap(struct render *r, const char *text, int header, double width, struct segs *s)
{
	struct run run = {header ? PDF_BOLD : PDF_REGULAR, (char *)text};
	wrap(r, &run, 1, width - 2 * CELL_PAD, s);
	int lines = s->lines ? s->lines : 1;
	return lines * line_height(PDF_REGULAR) + 2 * CELL_PAD - 2.0;
}

static double row_height(struct render *r, const struct block *b, const struct row *row,
			 struct segs *s)
{
	double h = 0;
	for (int c = 0; c < b->ncols; c++) {
		double ch = cell_wrap(r, row->cells[c], row->header, b->widths[c] * TEXT_W, s);
		if (ch > h)
			h = ch;
	}
	return h;
}

static void draw_row(struct render *r, const struct block *b, const struct row *row, double h,
		     struct segs *s)
{
	double x = MARGIN_L, top = r->y, lh = line_height(PDF_REGULAR);

	if (row->header)
		add_fill(r, MARGIN_L, top - h, MARGIN_L + TEXT_W, top);
	for (int c = 0; c < b->ncols; c++) {
		double w = b->widths[c] * TEXT_W;
		cell_wrap(r, row->cells[c], row->header, w, s);
		/* Lines that fit in the row; a cut cell ends with a visible "…". */
		int fit = (int)((h - 2 * CELL_PAD + 2.0) / lh + 0.01);
		int cut = s->lines > fit;
		for (size_t k = 0; k < s->n; k++) {
			if (s->v[k].line >= fit - (cut ? 1 : 0))
				break;
			double base = top - CELL_PAD - s->v[k].line * lh - lh * 0.76 + 1.0;
			add_text(r, s->v[k].style, x + CELL_PAD + s->v[k].x, base, s->v[k].text,
				 s->v[k].len);
		}
		if (cut && fit > 0)
			add_text(r, row->header ? PDF_BOLD : PDF_REGULAR, x + CELL_PAD,
				 top - CELL_PAD - (fit - 1) * lh - lh * 0.76 + 1.0, ELLIPSIS, 3);
		x += w;
	}
	/* Grid: top and bottom rule, and the vertical rules. */
	add_line(r, MARGIN_L, top, MARGIN_L + TEXT_W, top);
	add_line(r, MARGIN_L, top - h, MARGIN_L + TEXT_W, top - h);
	x = MARGIN_L;
	for (int c = 0; c <= b->ncols; c++) {
		add_line(r, x, top, x, top - h);
		if (c < b->ncols)
			x += b->widths[c] * TEXT_W;
	}
	r->y -= h;
	r->page_empty = 0;
}

static void layout_table(struct render *r, const struct block *b, struct segs *s)
{
	const struct row *header = b->nrows && b->rows[0].header ? &b->rows[0] : NULL;
	double header_h = header ? row_height(r, b, header, s) : 0;
	double max_row = content_top() - MARGIN_BOTTOM - header_h - 2.0;

	for (size_t i = 0; i < b->nrows; i++) {
		const struct row *row = &b->rows[i];
		double h = row_height(r, b, row, s);
		if (h > max_row)
			h = max_row;
		if (row == header) {
			/* The header goes with the first body row. */
			double next = i + 1 < b->nrows ? row_height(r, b, &b->rows[i + 1], s) : 0;
			if (next > max_row)
				next = max_row;
			need(r, h + next);
			draw_row(r, b, row, h, s);
			continue;
		}
		if (r->y - h < MARGIN_BOTTOM && !r->page_empty) {
			new_page(r);
			if (header)
				draw_row(r, b, header, header_h, s);
		}
		draw_row(r, b, row, h, s);
	}
	r->y -= 8.0;
}

/*
 * The height block b needs at the top of where it starts, as its layout
 * asks for it: a paragraph of up to five lines whole (with the block of
 * lines after it, which it keeps), a longer one two lines.
 */
static double first_lines_height(struct render *r, const struct block *b,
				 const struct block *after, struct segs *tmp)
{
	switch (b->kind) {
	case B_PARA: {
		double lh = runs_line_height(b->runs, b->nruns);
		double x = MARGIN_L + b->indent + (b->bullet ? BULLET_INDENT : 0);
		wrap(r, b->runs, b->nruns, PAGE_W - MARGIN_R - x, tmp);
		/* after NULL: b is the last block, kept whole up to more lines. */
		if (tmp->lines > (after ? WHOLE_LINES : LAST_WHOLE_LINES))
			return 2 * lh;
		double h = tmp->lines * lh;
		return h + (is_line_block(after) ? para_height(r, after, tmp) : 0);
	}
	case B_TABLE: {
		double h = 0;
		for (size_t i = 0; i < b->nrows && i < 2; i++)
			h += row_height(r, b, &b->rows[i], tmp);
		return h;
	}
	case B_COLUMNS:
		return layout_columns_height(r, b, tmp, 0);
	case B_HEADING:
		return line_height(b->runs[0].style) * 2;
	default:
		return line_height(PDF_REGULAR) * 2;
	}
}

static void layout(struct render *r)
{
	struct pdf_doc *doc = r->doc;
	struct segs s = {0}, tmp = {0};

	r->page = -1;
	new_page(r);
	for (size_t i = 0; i < doc->nblocks && !r->oom; i++) {
		const struct block *b = &doc->blocks[i];
		/* A list ends with a little air before what follows it. */
		if (r->after_bullet && !(b->kind == B_PARA && b->bullet) && !r->page_empty)
			r->y -= 4.0;
		r->after_bullet = 0;
		switch (b->kind) {
		case B_PARA:
			layout_para(r, b, i + 1 < doc->nblocks ? &doc->blocks[i + 1] : NULL, &s, &tmp);
			break;
		case B_HEADING:
			layout_heading(r, b, i + 1 < doc->nblocks ? &doc->blocks[i + 1] : NULL,
				       i + 2 < doc->nblocks ? &doc->blocks[i + 2] : NULL, &s, &tmp);
			break;
		case B_SPACE:
			if (!r->page_empty)
				r->y -= b->space;
			break;
		case B_PAGEBREAK:
			if (!r->page_empty)
				new_page(r);
			break;
		case B_COLUMNS:
			layout_columns(r, b, &s);
			break;
		case B_TABLE:
			layout_table(r, b, &s);
			break;
		}
	}
	free(s.v);
	free(tmp.v);
}

/* --- drawing ------------------------------------------------------------------ */

static void set_fill_for(HPDF_Page page, int style)
{
	if (style & PDF_GREY)
		HPDF_Page_SetRGBFill(page, 0.38f, 0.38f, 0.38f);
	else
		HPDF_Page_SetRGBFill(page, 0, 0, 0);
}

/* Draws text with len bytes: libharu wants a NUL-terminated string. */
static void text_out(struct render *r, HPDF_Page page, double x, double y, const char *text,
		     size_t len)
{
	char stack[512];
	char *buf = len < sizeof stack ? stack : malloc(len + 1);
	if (!buf) {
		r->oom = 1;
		return;
	}
	memcpy(buf, text, len);
	buf[len] = '\0';
	HPDF_Page_TextOut(page, (HPDF_REAL)x, (HPDF_REAL)y, buf);
	if (buf != stack)
		free(buf);
}

static void draw_page_frame(struct render *r, HPDF_Page page, int pageno, int pages)
{
	struct pdf_doc *doc = r->doc;
	char side[64];
	double y_head = PAGE_H - 40.0, y_foot = 38.0;

	if (doc->watermark && *doc->watermark) {
		/* Light grey rather than transparent: PDF/A-1 forbids transparency. */
		double size = 96.0;
		double w = text_width(r, PDF_BOLD, doc->watermark, strlen(doc->watermark)) / 10.0 * size;
		HPDF_Page_BeginText(page);
		HPDF_Page_SetFontAndSize(page, r->bold, (HPDF_REAL)size);
		HPDF_Page_SetRGBFill(page, 0.88f, 0.88f, 0.88f);
		/* 40 degrees: cos 0.766, sin 0.643; centred on the page. */
		double cx = PAGE_W / 2 - 0.766 * w / 2, cy = PAGE_H / 2 - 0.643 * w / 2;
		HPDF_Page_SetTextMatrix(page, 0.766f, 0.643f, -0.643f, 0.766f, (HPDF_REAL)cx,
					(HPDF_REAL)cy);
		HPDF_Page_ShowText(page, doc->watermark);
		HPDF_Page_EndText(page);
	}
	HPDF_Page_SetRGBStroke(page, 0.6f, 0.6f, 0.6f);
	HPDF_Page_SetLineWidth(page, 0.5f);
	HPDF_Page_MoveTo(page, (HPDF_REAL)MARGIN_L, (HPDF_REAL)(y_head - 6));
	HPDF_Page_LineTo(page, (HPDF_REAL)(PAGE_W - MARGIN_R), (HPDF_REAL)(y_head - 6));
	HPDF_Page_MoveTo(page, (HPDF_REAL)MARGIN_L, (HPDF_REAL)(y_foot + 12));
	HPDF_Page_LineTo(page, (HPDF_REAL)(PAGE_W - MARGIN_R), (HPDF_REAL)(y_foot + 12));
	HPDF_Page_Stroke(page);

	HPDF_Page_BeginText(page);
	HPDF_Page_SetFontAndSize(page, r->regular, (HPDF_REAL)style_size(PDF_SMALL));
	HPDF_Page_SetRGBFill(page, 0.38f, 0.38f, 0.38f);
	if (doc->header_left)
		text_out(r, page, MARGIN_L, y_head, doc->header_left, strlen(doc->header_left));
	if (doc->header_right) {
		double w = text_width(r, PDF_SMALL, doc->header_right, strlen(doc->header_right));
		text_out(r, page, PAGE_W - MARGIN_R - w, y_head, doc->header_right,
			 strlen(doc->header_right));
	}
	snprintf(side, sizeof side, "Side %d af %d", pageno, pages);
	double w = text_width(r, PDF_SMALL, side, strlen(side));
	if (doc->footer_left) {
		/* Cut between characters so it never runs into the page number. */
		size_t len = strlen(doc->footer_left);
		while (len > 0 && text_width(r, PDF_SMALL, doc->footer_left, len) > TEXT_W - w - 12) {
			len--;
			while (len > 0 && ((unsigned char)doc->footer_left[len] & 0xC0) == 0x80)
				len--;
		}
		text_out(r, page, MARGIN_L, y_foot, doc->footer_left, len);
	}
	text_out(r, page, PAGE_W - MARGIN_R - w, y_foot, side, strlen(side));
	if (doc->watermark && *doc->watermark) {
		/* Also in the header, in red: printed in black and white, the
		 * grey diagonal may vanish, and text extraction finds this one. */
		HPDF_Page_SetFontAndSize(page, r->bold, (HPDF_REAL)style_size(PDF_SMALL));
		HPDF_Page_SetRGBFill(page, 0.75f, 0.0f, 0.0f);
		double ww = text_width(r, PDF_BOLD | PDF_SMALL, doc->watermark, strlen(doc->watermark));
		text_out(r, page, (PAGE_W - ww) / 2, y_head, doc->watermark, strlen(doc->watermark));
	}
	HPDF_Page_EndText(page);
}

static void draw(struct render *r, int pages)
{
	size_t k = 0;
	for (int p = 0; p < pages && !r->error && !r->oom; p++) {
		HPDF_Page page = HPDF_AddPage(r->pdf);
		if (!page)
			return;
		HPDF_Page_SetWidth(page, (HPDF_REAL)PAGE_W);
		HPDF_Page_SetHeight(page, (HPDF_REAL)PAGE_H);
		draw_page_frame(r, page, p + 1, pages);

		size_t first = k, end = k;
		while (end < r->nops && r->ops[end].page == p)
			end++;
		/* Graphics first: fills under the grid, then the grid. */
		HPDF_Page_SetRGBFill(page, 0.92f, 0.92f, 0.92f);
		for (k = first; k < end; k++)
			if (r->ops[k].kind == OP_FILL) {
				const struct op *o = &r->ops[k];
				HPDF_Page_Rectangle(page, (HPDF_REAL)o->x, (HPDF_REAL)o->y,
						    (HPDF_REAL)(o->x2 - o->x), (HPDF_REAL)(o->y2 - o->y));
				HPDF_Page_Fill(page);
			}
		HPDF_Page_SetRGBStroke(page, 0.55f, 0.55f, 0.55f);
		HPDF_Page_SetLineWidth(page, 0.5f);
		int stroked = 0;
		for (k = first; k < end; k++)
			if (r->ops[k].kind == OP_LINE) {
				const struct op *o = &r->ops[k];
				HPDF_Page_MoveTo(page, (HPDF_REAL)o->x, (HPDF_REAL)o->y);
				HPDF_Page_LineTo(page, (HPDF_REAL)o->x2, (HPDF_REAL)o->y2);
				stroked = 1;
			}
		if (stroked)
			HPDF_Page_Stroke(page);

		HPDF_Page_BeginText(page);
		int cur_style = -1;
		for (k = first; k < end; k++) {
			const struct op *o = &r->ops[k];
			if (o->kind != OP_TEXT)
				continue;
			if (o->style != cur_style) {
				HPDF_Page_SetFontAndSize(page, style_font(r, o->style),
							 (HPDF_REAL)style_size(o->style));
				set_fill_for(page, o->style);
				cur_style = o->style;
			}
			text_out(r, page, o->x, o->y, o->text, o->len);
		}
		HPDF_Page_EndText(page);
		k = end;
	}
}

/* --- archive metadata ----------------------------------------------------------- */

/* XML-escapes text into sb (the XMP packet: libharu's own does not escape). */
static void xml_escape(struct strbuf *sb, const char *text)
{
	for (const char *p = text ? text : ""; *p; p++) {
		switch (*p) {
		case '&': strbuf_puts(sb, "&amp;"); break;
		case '<': strbuf_puts(sb, "&lt;"); break;
		case '>': strbuf_puts(sb, "&gt;"); break;
		case '"': strbuf_puts(sb, "&quot;"); break;
		case '\'': strbuf_puts(sb, "&apos;"); break;
		case '\n': strbuf_puts(sb, " "); break;
		default: strbuf_putc(sb, *p);
		}
	}
}

static void xmp_date(time_t t, char *buf, size_t size, HPDF_Date *info)
{
	struct tm tm;
	localtime_r(&t, &tm);
	long off = tm.tm_gmtoff / 60;
	long aoff = off < 0 ? -off : off;
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+',
		 (int)(aoff / 60 % 100), (int)(aoff % 60));
	info->year = tm.tm_year + 1900;
	info->month = tm.tm_mon + 1;
	info->day = tm.tm_mday;
	info->hour = tm.tm_hour;
	info->minutes = tm.tm_min;
	info->seconds = tm.tm_sec > 59 ? 59 : tm.tm_sec;
	info->ind = off == 0 ? 'Z' : off < 0 ? '-' : '+';
	info->off_hour = (HPDF_INT)(aoff / 60);
	info->off_minutes = (HPDF_INT)(aoff % 60);
}

static void set_info(struct render *r)
{
	struct pdf_doc *doc = r->doc;
	char iso[64];
	HPDF_Date date;

	if (doc->title)
		HPDF_SetInfoAttr(r->pdf, HPDF_INFO_TITLE, doc->title);
	if (doc->author)
		HPDF_SetInfoAttr(r->pdf, HPDF_INFO_AUTHOR, doc->author);
	if (doc->subject)
		HPDF_SetInfoAttr(r->pdf, HPDF_INFO_SUBJECT, doc->subject);
	if (doc->keywords)
		HPDF_SetInfoAttr(r->pdf, HPDF_INFO_KEYWORDS, doc->keywords);
	if (doc->creator)
		HPDF_SetInfoAttr(r->pdf, HPDF_INFO_CREATOR, doc->creator);
	xmp_date(doc->created, iso, sizeof iso, &date);
	HPDF_SetInfoDateAttr(r->pdf, HPDF_INFO_CREATION_DATE, date);
	HPDF_SetInfoDateAttr(r->pdf, HPDF_INFO_MOD_DATE, date);
	/* Every text skema writes is Danish: screen readers and archives need to know. */
	HPDF_Dict_Add(r->pdf->catalog, "Lang", HPDF_String_New(r->pdf->mmgr, "da-DK", NULL));
}

/*
 * The XMP packet PDF/A-1 wants, mirroring the Info dictionary.  Written by
 * us rather than HPDF_PDFA_SetPDFAConformance, which does not escape & < >
 * (a title "Afgørelse & klage" gave malformed XML) and writes /SubType
 * (notes/libharu.md 1.3).
 */
static void add_xmp(struct render *r)
{
	struct pdf_doc *doc = r->doc;
	struct strbuf x;
	char iso[64];
	HPDF_Date unused;
	const char *producer = HPDF_GetInfoAttr(r->pdf, HPDF_INFO_PRODUCER);

	xmp_date(doc->created, iso, sizeof iso, &unused);
	strbuf_init(&x, 0);
	strbuf_puts(&x, "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
			"<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
			"<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
			"<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
			"<dc:format>application/pdf</dc:format>\n");
	if (doc->title) {
		strbuf_puts(&x, "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">");
		xml_escape(&x, doc->title);
		strbuf_puts(&x, "</rdf:li></rdf:Alt></dc:title>\n");
	}
	if (doc->author) {
		strbuf_puts(&x, "<dc:creator><rdf:Seq><rdf:li>");
		xml_escape(&x, doc->author);
		strbuf_puts(&x, "</rdf:li></rdf:Seq></dc:creator>\n");
	}
	if (doc->subject) {
		strbuf_puts(&x, "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">");
		xml_escape(&x, doc->subject);
		strbuf_puts(&x, "</rdf:li></rdf:Alt></dc:description>\n");
	}
	strbuf_puts(&x, "</rdf:Description>\n"
			"<rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n");
	if (doc->creator) {
		strbuf_puts(&x, "<xmp:CreatorTool>");
		xml_escape(&x, doc->creator);
		strbuf_puts(&x, "</xmp:CreatorTool>\n");
	}
	strbuf_printf(&x, "<xmp:CreateDate>%s</xmp:CreateDate>\n<xmp:ModifyDate>%s</xmp:ModifyDate>\n",
		      iso, iso);
	strbuf_puts(&x, "</rdf:Description>\n"
			"<rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n");
	if (doc->keywords) {
		strbuf_puts(&x, "<pdf:Keywords>");
		xml_escape(&x, doc->keywords);
		strbuf_puts(&x, "</pdf:Keywords>\n");
	}
	if (producer) {
		strbuf_puts(&x, "<pdf:Producer>");
		xml_escape(&x, producer);
		strbuf_puts(&x, "</pdf:Producer>\n");
	}
	strbuf_puts(&x, "</rdf:Description>\n"
			"<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n"
			"<pdfaid:part>1</pdfaid:part>\n<pdfaid:conformance>B</pdfaid:conformance>\n"
			"</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>");
	if (x.overflow || !x.data) {
		r->oom = 1;
		strbuf_release(&x);
		return;
	}
	/* Not compressed: PDF/A readers must find the packet as plain bytes. */
	HPDF_Dict meta = HPDF_DictStream_New(r->pdf->mmgr, r->pdf->xref);
	if (meta) {
		HPDF_Dict_AddName(meta, "Type", "Metadata");
		HPDF_Dict_AddName(meta, "Subtype", "XML");
		HPDF_Stream_Write(meta->stream, (const HPDF_BYTE *)x.data, (HPDF_UINT)x.len);
		HPDF_Dict_Add(r->pdf->catalog, "Metadata", meta);
	}
	strbuf_release(&x);
	r->pdf->pdf_version = HPDF_VER_14;
}

/* --- streams deflated once per process ------------------------------------------ */

/*
 * The sRGB profile (7 KB) and the ToUnicode CMap are the same in every
 * letter, yet libharu would deflate them for each: they are deflated once,
 * by libharu's own writer (so the bytes are what it would write), kept,
 * and written as they are into a stream whose /Filter we write ourselves
 * (libharu drops a /Filter entry from a stream it does not filter itself).
 */
struct deflated {
	unsigned char *data;
	size_t len;
};

/* Deflates data into z (data freed by the caller with free()).  0 or -1. */
static int deflate_once(HPDF_MMgr mmgr, const void *data, size_t len, struct deflated *z)
{
	HPDF_Stream src = HPDF_MemStream_New(mmgr, (HPDF_UINT)len + 16);
	HPDF_Stream dst = HPDF_MemStream_New(mmgr, (HPDF_UINT)len + 4096);
	int rc = -1;

	z->data = NULL;
	z->len = 0;
	if (!src || !dst || len == 0 || HPDF_Stream_Write(src, data, (HPDF_UINT)len) != HPDF_OK ||
	    HPDF_Stream_WriteToStream(src, dst, HPDF_STREAM_FILTER_FLATE_DECODE, NULL) != HPDF_OK ||
	    dst->size == 0 || HPDF_Stream_Seek(dst, 0, HPDF_SEEK_SET) != HPDF_OK)
		goto out;
	z->data = malloc(dst->size);
	if (!z->data)
		goto out;
	HPDF_UINT got = dst->size;
	if (HPDF_Stream_Read(dst, z->data, &got) != HPDF_OK || got != dst->size) {
		free(z->data);
		z->data = NULL;
		goto out;
	}
	z->len = got;
	rc = 0;
out:
	if (src)
		HPDF_Stream_Free(src);
	if (dst)
		HPDF_Stream_Free(dst);
	return rc;
}

/* Writes the /Filter of a stream holding data deflated beforehand. */
static HPDF_STATUS write_flate_filter(HPDF_Dict dict, HPDF_Stream stream)
{
	(void)dict;
	return HPDF_Stream_WriteStr(stream, "/Filter [ /FlateDecode ]\012");
}

/* A new stream object holding z as it is, marked FlateDecode.  NULL on error. */
static HPDF_Dict add_deflated(HPDF_Doc pdf, const struct deflated *z)
{
	HPDF_Dict dict = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
	if (!dict)
		return NULL;
	dict->filter = HPDF_STREAM_FILTER_NONE;
	dict->write_fn = write_flate_filter;
	if (HPDF_Stream_Write(dict->stream, z->data, (HPDF_UINT)z->len) != HPDF_OK)
		return NULL;
	return dict;
}

static struct deflated icc_z, tounicode_z;
static char icc_path[PATH_MAX];

/* The profile at path, deflated (cached while path stays the same).  0 or -1. */
static int icc_load(struct render *r, const char *path)
{
	if (icc_z.data && strcmp(path, icc_path) == 0)
		return 0;
	free(icc_z.data);
	icc_z.data = NULL;
	icc_z.len = 0;
	FILE *f = fopen(path, "rb");
	unsigned char *data = NULL;
	long len = -1;
	int rc = -1;
	if (f && fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) > 0 && len < (1L << 20) &&
	    fseek(f, 0, SEEK_SET) == 0 && (data = malloc((size_t)len)) &&
	    fread(data, 1, (size_t)len, f) == (size_t)len)
		rc = deflate_once(r->pdf->mmgr, data, (size_t)len, &icc_z);
	if (f)
		fclose(f);
	free(data);
	if (rc == 0)
		snprintf(icc_path, sizeof icc_path, "%s", path);
	else if (!r->error)
		r->error = f ? HPDF_FILE_IO_ERROR : HPDF_FILE_OPEN_ERROR;
	return rc;
}

/* The sRGB output intent, with the key spelt right (libharu adds a space). */
static void add_output_intent(struct render *r)
{
	const char *icc = getenv("SKEMA_ICC");
	if (!icc || !*icc)
		icc = DEFAULT_ICC;
	r->where = "loading the sRGB profile";
	if (icc_load(r, icc) < 0)
		return;
	/* As HPDF_LoadIccProfileFromFile makes it, deflated: half the size,
	 * which keeps a letter under the 40 KB budget. */
	HPDF_Dict profile = add_deflated(r->pdf, &icc_z);
	if (!profile || r->error)
		return;
	HPDF_Dict_AddNumber(profile, "N", 3);
	HPDF_Dict_AddName(profile, "Alternate", "DeviceRGB");
	HPDF_Dict intent = HPDF_Dict_New(r->pdf->mmgr);
	if (!intent || HPDF_Xref_Add(r->pdf->xref, intent) != HPDF_OK)
		return;
	HPDF_Dict_AddName(intent, "Type", "OutputIntent");
	HPDF_Dict_AddName(intent, "S", "GTS_PDFA1");
	HPDF_Dict_Add(intent, "OutputConditionIdentifier", HPDF_String_New(r->pdf->mmgr, "sRGB IEC61966-2.1", NULL));
	HPDF_Dict_Add(intent, "Info", HPDF_String_New(r->pdf->mmgr, "sRGB IEC61966-2.1", NULL));
	HPDF_Dict_Add(intent, "DestOutputProfile", profile);
	HPDF_Array intents = HPDF_Array_New(r->pdf->mmgr);
	if (!intents)
		return;
	HPDF_Dict_Add(r->pdf->catalog, "OutputIntents", intents);
	HPDF_Array_Add(intents, intent);
}

/*
 * The trailer /ID from the caller's seed: libharu's own is MD5 of ctime(),
 * identical for every file made in the same second (notes 1.3), and would
 * make the output depend on the clock.
 */
static void add_id(struct render *r)
{
	struct pdf_doc *doc = r->doc;
	struct sha256 ctx;
	unsigned char digest[32];

	sha256_init(&ctx);
	sha256_update(&ctx, "skema-pdf-id\n", 13);
	if (doc->id_seed)
		sha256_update(&ctx, doc->id_seed, strlen(doc->id_seed));
	if (doc->title)
		sha256_update(&ctx, doc->title, strlen(doc->title));
	sha256_update(&ctx, &doc->created, sizeof doc->created);
	sha256_final(&ctx, digest);
	HPDF_Array id = HPDF_Array_New(r->pdf->mmgr);
	if (!id)
		return;
	HPDF_Dict_Add(r->pdf->trailer, "ID", id);
	HPDF_Array_Add(id, HPDF_Binary_New(r->pdf->mmgr, digest, 16));
	HPDF_Array_Add(id, HPDF_Binary_New(r->pdf->mmgr, digest, 16));
}

/* A ToUnicode CMap that is one (pdf_tounicode.h), for the compact CIDs.  0 or -1. */
static int add_tounicode(HPDF_Doc pdf, HPDF_Font regular, HPDF_Font bold)
{
	if (!tounicode_z.data) {
		size_t len = 0;
		char *text = pdf_tounicode_cids_text(cp_of_cid, ncids, &len);
		int rc = text ? deflate_once(pdf->mmgr, text, len, &tounicode_z) : -1;
		free(text);
		if (rc < 0)
			return -1;
	}
	HPDF_Dict stream = add_deflated(pdf, &tounicode_z);
	if (!stream)
		return -1;
	HPDF_Dict_Add(regular, "ToUnicode", stream);
	HPDF_Dict_Add(bold, "ToUnicode", stream);
	return 0;
}

/*
 * The text of a TextOut/ShowText as compact CIDs, two bytes each (libharu
 * frees the result with free()).  The text was cleaned, so every character
 * has a CID; anything else would show as .notdef (CID 0).
 */
static char *encode_compact(HPDF_Encoder encoder, const char *text, HPDF_UINT len,
			    HPDF_UINT *outlen)
{
	unsigned char *out = malloc((size_t)len * 2 + 2);
	size_t n = 0;

	(void)encoder;
	*outlen = 0;
	if (!out)
		return NULL;
	for (HPDF_UINT i = 0; i < len;) {
		uint32_t cp;
		size_t k = utf8_decode(text + i, &cp);
		unsigned cid = k > 0 && cp < 0x10000 ? cid_of[cp] : 0;
		i += k > 0 ? (HPDF_UINT)k : 1;
		out[n++] = (unsigned char)(cid >> 8);
		out[n++] = (unsigned char)cid;
	}
	*outlen = (HPDF_UINT)n;
	return (char *)out;
}

/*
 * Makes the document's UTF-8 encoder use the compact CIDs, before any font
 * is made with it: its CID table (what libharu builds /W and the
 * CIDToGIDMap from) and the encoding of the text drawn.  Measuring is
 * unchanged: it goes by the code points.
 */
static HPDF_Encoder compact_encoder_of(HPDF_Doc pdf)
{
	HPDF_Encoder enc = HPDF_GetEncoder(pdf, "UTF-8");
	if (!enc || !enc->attr || enc->type != HPDF_ENCODER_TYPE_DOUBLE_BYTE)
		return NULL;
	HPDF_CMapEncoderAttr attr = (HPDF_CMapEncoderAttr)enc->attr;
	memcpy(attr->cid_map, cid_of, sizeof attr->cid_map);
	for (unsigned cid = 1; cid <= ncids; cid++)
		attr->unicode_map[cp_of_cid[cid] >> 8][cp_of_cid[cid] & 0xFF] = cp_of_cid[cid];
	attr->unicode_map[0][0x1F] = 0x1F;
	enc->encode_text_fn = encode_compact;
	return enc;
}

static void compact_encoder(struct render *r)
{
	r->encoder = compact_encoder_of(r->pdf);
	if (!r->encoder && !r->error)
		r->error = HPDF_INVALID_ENCODER;
}

/*
 * HPDF_GetFont for a compact font.  libharu's CIDFontType2_New reads the
 * encoder's CID table only when the encoder's to_unicode_fn is the plain
 * CMap one; the UTF-8 encoder's own (which decodes UTF-8 while text is
 * measured) is put back at once.  The first entries of cid_map[0] hold
 * that decoder's state (hpdf_encoder_utf.c keeps it there): they are
 * cleared, as their CIDs (U+0000...) are none.
 */
static HPDF_Font compact_font(HPDF_Doc pdf, HPDF_Encoder enc, const char *name)
{
	if (!enc)
		return HPDF_GetFont(pdf, name, "UTF-8");
	HPDF_CMapEncoderAttr attr = (HPDF_CMapEncoderAttr)enc->attr;
	HPDF_Encoder_ToUnicode_Func own = enc->to_unicode_fn;
	memset(attr->cid_map[0], 0, 16 * sizeof attr->cid_map[0][0]);
	enc->to_unicode_fn = HPDF_CMapEncoder_ToUnicode;
	HPDF_Font font = HPDF_GetFont(pdf, name, "UTF-8");
	enc->to_unicode_fn = own;
	memset(attr->cid_map[0], 0, 16 * sizeof attr->cid_map[0][0]);
	return font;
}

static HPDF_Font get_font(struct render *r, const char *name)
{
	return compact_font(r->pdf, r->encoder, name);
}

/*
 * Our hook on writing a Type0 font: /CapHeight, /CIDSet, the buffer
 * boundary guard and level-1 deflate (type0_before_write_with_cap_height).
 */
static void hook_font(HPDF_Font font)
{
	if (!type0_before_write)
		type0_before_write = font->before_write_fn;
	if (type0_before_write && font->before_write_fn == type0_before_write)
		font->before_write_fn = type0_before_write_with_cap_height;
}

/*
 * Level 1 instead of libharu's 6: the pages' content, the fonts' CMaps and
 * CIDToGIDMaps now, the font programs as they are made
 * (type0_before_write_with_cap_height), which needs the fonts' filter off:
 * libharu hands it to those streams while it writes.
 */
static void deflate_before_save(HPDF_Doc pdf, HPDF_Font regular, HPDF_Font bold)
{
	HPDF_Font fonts[2] = {regular, bold};

	fast_deflate_all(pdf->xref);
	for (int i = 0; i < 2; i++)
		if (fonts[i]->before_write_fn == type0_before_write_with_cap_height)
			fonts[i]->filter = HPDF_STREAM_FILTER_NONE;
}

int pdf_compact_begin(HPDF_Doc pdf)
{
	if (coverage_load() <= 0)
		return 0;
	return compact_encoder_of(pdf) ? 1 : -1;
}

HPDF_Font pdf_compact_font(HPDF_Doc pdf, const char *name)
{
	HPDF_Encoder enc = HPDF_GetEncoder(pdf, "UTF-8");
	if (!enc || enc->encode_text_fn != encode_compact) {
		HPDF_Font font = HPDF_GetFont(pdf, name, "UTF-8");
		pdf_font_guard(font);
		return font;
	}
	HPDF_Font font = compact_font(pdf, enc, name);
	if (font)
		hook_font(font);
	return font;
}

int pdf_compact_finish(HPDF_Doc pdf, HPDF_Font regular, HPDF_Font bold)
{
	HPDF_Encoder enc = HPDF_GetEncoder(pdf, "UTF-8");
	if (!enc || enc->encode_text_fn != encode_compact)
		return 0;
	if (add_tounicode(pdf, regular, bold) < 0)
		return -1;
	deflate_before_save(pdf, regular, bold);
	return 0;
}

/* --- one attempt, and the retry ------------------------------------------------ */

/*
 * One HPDF_Doc serves every document of the process: HPDF_NewDoc empties it
 * (HPDF_FreeDoc) but keeps the loaded font definitions and encoders, so
 * the TrueType files are read and parsed, and the UTF-8 encoder's tables
 * built, once per process instead of once per letter.  What a font
 * definition carries from one document to the next is reset by libharu
 * (the glyph-use flags and the font descriptor, CleanupFontDefList); the
 * font names ("HPDFAA+...") are those a fresh handle gives; our compact
 * encoder tables are the same for every document.  So a letter has the
 * same bytes whether it is made alone or after others (t4000).  After any
 * libharu error the handle is thrown away (shared_discard): the next
 * document starts from a fresh one.
 */
static HPDF_Doc shared_pdf;
static struct render *shared_active; /* where the handle's errors go */
static char shared_font[2][HPDF_LIMIT_MAX_NAME_LEN + 1];

static void shared_error_handler(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user)
{
	struct render *r = *(struct render **)user;
	if (r)
		error_handler(error_no, detail_no, r);
}

/*
 * libharu reads an embedded font's tables and glyphs from the file it was
 * loaded from, every time it writes the font: a seek and a few small reads
 * per glyph and table (150,000 lseek calls for 611 letters).  The file is
 * 23 KB: its stream is swapped for a memory copy, read once.  The buffer
 * is larger than the file, so a seek to its very end stays inside it
 * (libharu's memory streams fail a seek onto an unallocated buffer, see
 * avoid_buffer_boundary).  Returns 0 or -1 (the file stream then stays).
 */
static int font_in_memory(HPDF_Doc pdf, const char *name, const char *path)
{
	HPDF_FontDef def = HPDF_GetFontDef(pdf, name);
	HPDF_TTFontDefAttr tt = def && def->type == HPDF_FONTDEF_TYPE_TRUETYPE ? def->attr : NULL;
	unsigned char *data = NULL;
	size_t len = 0;
	int rc = -1;
	FILE *f = fopen(path, "rb");

	if (!tt || !tt->stream || !f)
		goto out;
	if (fseek(f, 0, SEEK_END) < 0 || (len = (size_t)ftell(f)) == 0 || len > 4u << 20 ||
	    fseek(f, 0, SEEK_SET) < 0 || !(data = malloc(len)) || fread(data, 1, len, f) != len)
		goto out;
	HPDF_Stream mem = HPDF_MemStream_New(pdf->mmgr, (HPDF_UINT)len + 16);
	if (!mem)
		goto out;
	if (HPDF_Stream_Write(mem, data, (HPDF_UINT)len) != HPDF_OK ||
	    HPDF_Stream_Seek(mem, 0, HPDF_SEEK_SET) != HPDF_OK) {
		HPDF_Stream_Free(mem);
		goto out;
	}
	HPDF_Stream_Free(tt->stream);
	tt->stream = mem;
	rc = 0;
out:
	free(data);
	if (f)
		fclose(f);
	return rc;
}

/*
 * The two Type0 fonts themselves, kept from one document to the next.
 * HPDF_GetFont builds each anew per document: a 128 KB memset, a walk of
 * the encoder's 256 x 256 CID table, ~400 widths into a /W array and the
 * CIDToGIDMap and CMap streams -- a fifth of a letter's instructions, and
 * every time the same objects, as the compact CIDs are the same for every
 * document.  So the objects HPDF_GetFont added to the first document's
 * xref (font, CMap, descendant font, CIDToGIDMap and the streams' /Length
 * numbers) are taken out of it before HPDF_FreeDoc (which frees what the
 * xref holds and nothing else: the doc's font list only lists them), and
 * put into the next document's xref at the same place and in the same
 * order, so they get the same object numbers and the file the same bytes
 * (t4000, t4060).  What differs per document is made again while the font
 * is written (the descriptor and the font program, from the glyphs used,
 * which libharu resets in HPDF_FreeDoc) or by us (ToUnicode).  After any
 * error the handle is thrown away, and with it these objects.
 */
#define KEPT_MAX 32
static struct {
	void *obj[KEPT_MAX];
	unsigned n;         /* 0: none kept */
	int attached;       /* in the current document's xref */
	HPDF_UINT at;       /* their first xref index */
	HPDF_Font font[2];
} kept;

static void kept_forget(void)
{
	if (kept.n && !kept.attached && shared_pdf)
		for (unsigned i = 0; i < kept.n; i++)
			HPDF_Obj_ForceFree(shared_pdf->mmgr, kept.obj[i]);
	memset(&kept, 0, sizeof kept);
}

/* Remembers the fonts get_font() just made: the xref entries [at, end). */
static void kept_remember(HPDF_Xref xref, HPDF_UINT at, HPDF_Font regular, HPDF_Font bold)
{
	HPDF_UINT end = xref->entries->count;

	memset(&kept, 0, sizeof kept);
	if (xref->prev || end <= at || end - at > KEPT_MAX)
		return;
	for (HPDF_UINT i = at; i < end; i++) {
		HPDF_XrefEntry e = HPDF_List_ItemAt(xref->entries, i);
		if (!e || !e->obj)
			return;
		kept.obj[i - at] = e->obj;
	}
	kept.n = (unsigned)(end - at);
	kept.at = at;
	kept.attached = 1;
	kept.font[0] = regular;
	kept.font[1] = bold;
}

/* Takes the kept objects out of the document's xref before it is freed. */
static void kept_detach(HPDF_Xref xref)
{
	if (!kept.n || !kept.attached)
		return;
	for (unsigned i = 0; i < kept.n; i++) {
		HPDF_XrefEntry e = HPDF_List_ItemAt(xref->entries, kept.at + i);
		if (!e || e->obj != kept.obj[i]) {
			/* Not where they were put: leave them to HPDF_FreeDoc. */
			for (unsigned j = 0; j < i; j++)
				((HPDF_XrefEntry)HPDF_List_ItemAt(xref->entries, kept.at + j))->obj = kept.obj[j];
			memset(&kept, 0, sizeof kept);
			return;
		}
		e->obj = NULL;
	}
	kept.attached = 0;
}

/*
 * Puts the kept fonts into the new document r->pdf where HPDF_GetFont
 * would have made them.  Returns 0 (r->regular and r->bold set), or -1
 * (none kept: make them with get_font).
 */
static int kept_attach(struct render *r)
{
	HPDF_Xref xref = r->pdf->xref;

	if (!kept.n || kept.attached || xref->entries->count != kept.at) {
		kept_forget();
		return -1;
	}
	for (unsigned i = 0; i < kept.n; i++) {
		HPDF_Obj_Header *h = kept.obj[i];
		h->obj_id = 0;
		h->gen_no = 0;
		if (HPDF_Xref_Add(xref, h) != HPDF_OK) {
			/* Those added go with the document, the rest here. */
			for (unsigned j = i; j < kept.n; j++)
				HPDF_Obj_ForceFree(r->pdf->mmgr, kept.obj[j]);
			memset(&kept, 0, sizeof kept);
			if (!r->error)
				r->oom = 1;
			return -1;
		}
	}
	kept.attached = 1;
	for (int i = 0; i < 2; i++)
		((HPDF_FontAttr)kept.font[i]->attr)->xref = xref;
	r->regular = kept.font[0];
	r->bold = kept.font[1];
	return 0;
}

static void shared_discard(void)
{
	kept_forget();
	if (shared_pdf)
		HPDF_Free(shared_pdf);
	shared_pdf = NULL;
}

void pdf_cache_release(void)
{
	shared_discard();
	fast_deflate_release();
	free(tounicode_z.data);
	free(icc_z.data);
	memset(&tounicode_z, 0, sizeof tounicode_z);
	memset(&icc_z, 0, sizeof icc_z);
}

static int shared_begin(struct render *r, char *err, size_t errsize);

int pdf_cache_prepare(void)
{
	struct render r;
	char err[256];

	if (shared_pdf)
		return 0;
	memset(&r, 0, sizeof r);
	int rc = shared_begin(&r, err, sizeof err);
	if (rc == 0)
		HPDF_FreeDoc(r.pdf);
	shared_active = NULL;
	return rc;
}

/*
 * Makes r->pdf an empty document on the shared handle, creating the handle
 * (encoder, fonts) when there is none.  Returns 0, or -1 with err set.
 */
static int shared_begin(struct render *r, char *err, size_t errsize)
{
	char regular[PATH_MAX], bold[PATH_MAX];

	shared_active = r;
	if (shared_pdf) {
		if (HPDF_NewDoc(shared_pdf) == HPDF_OK && !r->error) {
			r->pdf = shared_pdf;
			return 0;
		}
		shared_discard();
		r->error = r->detail = 0;
	}
	if (paths_find(FONT_REGULAR, regular, sizeof regular) < 0 ||
	    paths_find(FONT_BOLD, bold, sizeof bold) < 0) {
		snprintf(err, errsize, "font %s or %s not found in the data directory", FONT_REGULAR,
			 FONT_BOLD);
		return -1;
	}
	shared_pdf = HPDF_New(shared_error_handler, &shared_active);
	if (!shared_pdf) {
		snprintf(err, errsize, "libharu: cannot create a document");
		return -1;
	}
	r->pdf = shared_pdf;
	/* Compression before the fonts (notes/libharu.md 1.6). */
	r->where = "setting up";
	HPDF_SetCompressionMode(r->pdf, HPDF_COMP_ALL);
	HPDF_UseUTFEncodings(r->pdf);
	HPDF_SetCurrentEncoder(r->pdf, "UTF-8");
	if (coverage_load() > 0)
		compact_encoder(r);
	r->where = "loading the fonts";
	const char *rname = HPDF_LoadTTFontFromFile(r->pdf, regular, HPDF_TRUE);
	const char *bname = HPDF_LoadTTFontFromFile(r->pdf, bold, HPDF_TRUE);
	if (rname && bname && !r->error) {
		snprintf(shared_font[0], sizeof shared_font[0], "%s", rname);
		snprintf(shared_font[1], sizeof shared_font[1], "%s", bname);
		/* Only faster: a failure leaves the file stream, and no error. */
		font_in_memory(r->pdf, rname, regular);
		font_in_memory(r->pdf, bname, bold);
		HPDF_ResetError(r->pdf);
		r->error = r->detail = 0;
		return 0;
	}
	shared_discard();
	r->pdf = NULL;
	snprintf(err, errsize, "libharu error 0x%04X (detail %u) while %s", (unsigned)r->error,
		 (unsigned)r->detail, r->where);
	return -1;
}

static int attempt(struct pdf_doc *doc, int archive, unsigned char **out, size_t *outlen,
		   char *err, size_t errsize)
{
	struct render r;
	unsigned char *buf = NULL;
	int rc = -1;

	memset(&r, 0, sizeof r);
	r.doc = doc;
	if (shared_begin(&r, err, errsize) < 0) {
		shared_active = NULL;
		return -1;
	}
	/* Order matters: compression before fonts and pages, the UTF-8
	 * encoder before the Info strings (notes/libharu.md 1.1, 1.6). */
	r.where = "setting up";
	HPDF_SetCompressionMode(r.pdf, HPDF_COMP_ALL);
	HPDF_SetCurrentEncoder(r.pdf, "UTF-8");
	if (coverage_load() > 0 && !r.encoder)
		compact_encoder(&r);
	r.where = "loading the fonts";
	if (!r.error) {
		if (kept_attach(&r) < 0 && !r.oom) {
			HPDF_UINT at = r.pdf->xref->entries->count;
			r.regular = get_font(&r, shared_font[0]);
			r.bold = get_font(&r, shared_font[1]);
			if (!r.error && r.regular && r.bold)
				kept_remember(r.pdf->xref, at, r.regular, r.bold);
		}
	}
	if (r.error || r.oom || !r.regular || !r.bold)
		goto out;
	/* /CapHeight, which libharu 2.3 does not write (PDF/A wants it). */
	hook_font(r.regular);
	hook_font(r.bold);
	if (coverage_state > 0 && add_tounicode(r.pdf, r.regular, r.bold) < 0)
		r.oom = 1;
	r.where = "setting the document information";
	set_info(&r);
	if (r.error)
		goto out;
	r.where = "laying out";
	layout(&r);
	if (r.error || r.oom)
		goto out;
	int pages = r.page + 1;
	r.where = "drawing";
	draw(&r, pages);
	if (r.error || r.oom)
		goto out;
	if (archive) {
		r.where = "writing the XMP metadata";
		add_xmp(&r);
		add_output_intent(&r);
		if (r.error || r.oom)
			goto out;
	}
	r.where = "writing the file";
	add_id(&r);
	deflate_before_save(r.pdf, r.regular, r.bold);
	if (r.error || HPDF_SaveToStream(r.pdf) != HPDF_OK)
		goto out;
	HPDF_UINT32 size = HPDF_GetStreamSize(r.pdf);
	buf = malloc(size ? size : 1);
	if (!buf) {
		r.oom = 1;
		goto out;
	}
	/* Straight from the memory stream's buffers: HPDF_ReadFromStream
	 * copies byte by byte. */
	size_t got = 0;
	HPDF_Stream saved = r.pdf->stream;
	if (saved && saved->type == HPDF_STREAM_MEMORY) {
		HPDF_UINT count = HPDF_MemStream_GetBufCount(saved);
		for (HPDF_UINT i = 0; i < count; i++) {
			HPDF_UINT len = 0;
			HPDF_BYTE *p = HPDF_MemStream_GetBufPtr(saved, i, &len);
			if (!p || len > size - got) {
				got = 0;
				break;
			}
			memcpy(buf + got, p, len);
			got += len;
		}
		if (got != size)
			got = 0;
	}
	if (got == 0)
		HPDF_ResetStream(r.pdf);
	while (got < size) {
		HPDF_UINT32 chunk = size - (HPDF_UINT32)got;
		HPDF_STATUS st = HPDF_ReadFromStream(r.pdf, buf + got, &chunk);
		got += chunk;
		if (st != HPDF_OK || chunk == 0)
			break;
	}
	if (got != size || r.error)
		goto out;
	*out = buf;
	*outlen = size;
	buf = NULL;
	doc->pages = pages;
	rc = 0;
out:
	if (rc < 0) {
		if (r.oom)
			snprintf(err, errsize, "out of memory while %s", r.where);
		else
			snprintf(err, errsize, "libharu error 0x%04X (detail %u) while %s",
				 (unsigned)r.error, (unsigned)r.detail, r.where);
	}
	free(buf);
	free(r.ops);
	/* An error may leave the handle in any state: start afresh. */
	if (rc < 0 || r.error) {
		shared_discard();
	} else {
		kept_detach(r.pdf->xref);
		HPDF_FreeDoc(r.pdf);
	}
	shared_active = NULL;
	return rc;
}

/* Text for the plain rebuild (caller frees): ASCII and Latin-1 stay, the rest is "?". */
static char *plain_text(const char *text)
{
	struct strbuf sb;
	strbuf_init(&sb, 0);
	strbuf_puts(&sb, "");
	for (const char *p = text ? text : ""; *p;) {
		uint32_t cp;
		size_t n = utf8_decode(p, &cp);
		if (n == 0)
			n = 1, cp = '?';
		if (cp == '\n' || (cp >= 0x20 && cp < 0x7F) || (cp >= 0xA0 && cp <= 0xFF))
			strbuf_append(&sb, p, n);
		else
			strbuf_putc(&sb, '?');
		p += n;
	}
	return sb.overflow ? (strbuf_release(&sb), NULL) : strbuf_detach(&sb);
}

/* A copy of doc with every text made plain, for the last rebuild.  NULL when out of memory. */
static struct pdf_doc *plain_copy(const struct pdf_doc *doc)
{
	struct pdf_doc *copy = pdf_doc_new();
	int bad = !copy;

#define PLAIN(dst, src)                                                                        \
	do {                                                                                   \
		if (!bad && (src) && !((dst) = plain_text(src)))                               \
			bad = 1;                                                               \
	} while (0)
	if (!bad) {
		copy->created = doc->created;
		PLAIN(copy->title, doc->title);
		PLAIN(copy->author, doc->author);
		PLAIN(copy->subject, doc->subject);
		PLAIN(copy->keywords, doc->keywords);
		PLAIN(copy->creator, doc->creator);
		PLAIN(copy->id_seed, doc->id_seed);
		PLAIN(copy->header_left, doc->header_left);
		PLAIN(copy->header_right, doc->header_right);
		PLAIN(copy->footer_left, doc->footer_left);
		PLAIN(copy->watermark, doc->watermark);
	}
	for (size_t i = 0; !bad && i < doc->nblocks; i++) {
		const struct block *b = &doc->blocks[i];
		struct block *c = add_block(copy, b->kind);
		if (!c) {
			bad = 1;
			break;
		}
		*c = *b;
		c->runs = NULL, c->nruns = 0, c->left = c->right = NULL, c->rows = NULL, c->nrows = 0;
		if (b->nruns && !(c->runs = calloc(b->nruns, sizeof *c->runs)))
			bad = 1;
		for (size_t k = 0; !bad && k < b->nruns; k++) {
			c->runs[k].style = b->runs[k].style;
			PLAIN(c->runs[k].text, b->runs[k].text);
			c->nruns = k + 1;
		}
		PLAIN(c->left, b->left);
		PLAIN(c->right, b->right);
		if (!bad && b->nrows && !(c->rows = calloc(b->nrows, sizeof *c->rows)))
			bad = 1;
		for (size_t r = 0; !bad && r < b->nrows; r++) {
			c->rows[r].header = b->rows[r].header;
			c->nrows = r + 1;
			for (int k = 0; k < MAX_COLS; k++)
				PLAIN(c->rows[r].cells[k], b->rows[r].cells[k]);
		}
	}
#undef PLAIN
	copy->open_para = copy->open_table = 0;
	if (bad) {
		pdf_doc_free(copy);
		return NULL;
	}
	return copy;
}

int pdf_doc_render(struct pdf_doc *doc, unsigned char **out, size_t *len, char *err,
		   size_t errsize)
{
	char first[256], second[256];

	*out = NULL;
	*len = 0;
	doc->degraded = 0;
	if (attempt(doc, 1, out, len, first, sizeof first) == 0)
		return 0;
	/* One libharu error spoils the document: build it again from the
	 * blocks, without the PDF/A extras, which are what usually fails
	 * (a missing ICC profile). */
	if (attempt(doc, 0, out, len, second, sizeof second) == 0) {
		doc->degraded = 1;
		snprintf(err, errsize, "%s", first);
		return 0;
	}
	/* The same error again comes from the content: a last try with the
	 * text reduced to ASCII and Latin-1 (Danish survives), the rest "?". */
	struct pdf_doc *plain = plain_copy(doc);
	if (plain && attempt(plain, 0, out, len, second, sizeof second) == 0) {
		doc->degraded = 2;
		doc->pages = plain->pages;
		snprintf(err, errsize, "%s", first);
		pdf_doc_free(plain);
		return 0;
	}
	pdf_doc_free(plain);
	snprintf(err, errsize, "%s", first);
	return -1;
}

/* --- writing ---------------------------------------------------------------------- */


/*
 * Writes data to the new file tmp, synced to disk first when sync is set.
 * On failure tmp is gone and errno says why.  Staging a file and writing
 * one in place both begin this way; only the name and the sync differ.
 */
static int write_new(const char *tmp, const unsigned char *data, size_t len, int sync)
{
	int fd, saved;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	for (size_t done = 0; done < len;) {
		ssize_t n = write(fd, data + done, len - done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		done += (size_t)n;
	}
	if (sync && fsync(fd) < 0)
		goto fail;
	if (close(fd) == 0)
		return 0;
	fd = -1;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = saved;
	return -1;
}

int pdf_stage_file(const char *path, const unsigned char *data, size_t len, char *tmp,
		   size_t tmpsize)
{
	static unsigned counter; /* one path may be staged twice in a batch */

	/* The name stale_tmp.h knows, so that a killed writer's file is swept up. */
	if ((size_t)snprintf(tmp, tmpsize, "%s.tmp.%ld.%u", path, (long)getpid(), counter++) >= tmpsize) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return write_new(tmp, data, len, 0);
}

int pdf_commit_file(const char *tmp, const char *path, int noreplace)
{
	if (noreplace)
		/* Atomic: two writers racing for one name cannot both win. */
		return renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE);
	return rename(tmp, path);
}

int pdf_write_file(const char *path, const unsigned char *data, size_t len)
{
	char tmp[PATH_MAX];

	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return pdf_write_file_via(path, tmp, data, len);
}

int pdf_write_file_via(const char *path, const char *tmp, const unsigned char *data, size_t len)
{
	char dir[PATH_MAX];

	if (write_new(tmp, data, len, 1) < 0)
		return -1;
	if (rename(tmp, path) < 0) {
		int saved = errno;
		unlink(tmp);
		errno = saved;
		return -1;
	}
	/* The rename is durable only once the directory is synced. */
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof dir, ".");
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}
