/*
 * pdf_tounicode.c - the identity ToUnicode CMap (see pdf_tounicode.h).
 */
#include "pdf_tounicode.h"

#include <hpdf.h>

#include "strbuf.h"

static void cmap_begin(struct strbuf *cmap)
{
	strbuf_puts(cmap, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
			  "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
			  "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
			  "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
}

/* Ends the CMap text and gives it to both fonts as one stream. */
static int cmap_attach(HPDF_Doc pdf, HPDF_Font regular, HPDF_Font bold, struct strbuf *cmap);

int pdf_tounicode_add(HPDF_Doc pdf, HPDF_Font regular, HPDF_Font bold, const int *blocks,
		      int nblocks)
{
	struct strbuf cmap;

	strbuf_init(&cmap, 0);
	cmap_begin(&cmap);
	/* One bfrange per block (a bfrange may only vary in its last byte),
	 * at most 100 to a section. */
	for (int i = 0; i < nblocks; i += 100) {
		int n = nblocks - i < 100 ? nblocks - i : 100;
		strbuf_printf(&cmap, "%d beginbfrange\n", n);
		for (int k = i; k < i + n; k++)
			strbuf_printf(&cmap, "<%02X00> <%02XFF> <%02X00>\n", blocks[k], blocks[k],
				      blocks[k]);
		strbuf_puts(&cmap, "endbfrange\n");
	}
	return cmap_attach(pdf, regular, bold, &cmap);
}

char *pdf_tounicode_cids_text(const unsigned short *cps, unsigned ncids, size_t *len)
{
	struct strbuf cmap, ranges;
	unsigned nranges = 0;

	strbuf_init(&cmap, 0);
	strbuf_init(&ranges, 0);
	cmap_begin(&cmap);
	/* A bfrange may vary only in the last byte of its CIDs, and its code
	 * points may not carry into the next byte either: a run ends there. */
	for (unsigned c = 1; c <= ncids;) {
		unsigned end = c;
		while (end < ncids && cps[end + 1] == cps[end] + 1 && ((end + 1) & 0xFF) != 0 &&
		       (cps[end + 1] & 0xFF) != 0)
			end++;
		if (nranges > 0 && nranges % 100 == 0) {
			strbuf_printf(&cmap, "100 beginbfrange\n%.*sendbfrange\n", (int)ranges.len,
				      ranges.data);
			ranges.len = 0;
		}
		strbuf_printf(&ranges, "<%04X> <%04X> <%04X>\n", c, end, (unsigned)cps[c]);
		nranges++;
		c = end + 1;
	}
	if (nranges > 0)
		strbuf_printf(&cmap, "%u beginbfrange\n%.*sendbfrange\n",
			      nranges % 100 ? nranges % 100 : 100, (int)ranges.len,
			      ranges.data ? ranges.data : "");
	strbuf_puts(&cmap, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
	int overflow = ranges.overflow || cmap.overflow || !cmap.data;
	strbuf_release(&ranges);
	if (overflow) {
		strbuf_release(&cmap);
		return NULL;
	}
	*len = cmap.len;
	return strbuf_detach(&cmap);
}

static int cmap_attach(HPDF_Doc pdf, HPDF_Font regular, HPDF_Font bold, struct strbuf *cmap_text)
{
	struct strbuf cmap = *cmap_text;

	strbuf_puts(&cmap, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
	if (cmap.overflow || !cmap.data) {
		strbuf_release(&cmap);
		return -1;
	}
	HPDF_Dict stream = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
	if (stream) {
		stream->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
		HPDF_Stream_Write(stream->stream, (const HPDF_BYTE *)cmap.data, (HPDF_UINT)cmap.len);
		HPDF_Dict_Add(regular, "ToUnicode", stream);
		HPDF_Dict_Add(bold, "ToUnicode", stream);
	}
	strbuf_release(&cmap);
	return 0;
}
