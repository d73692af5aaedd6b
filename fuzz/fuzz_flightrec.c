/* A flight recording (ctop -w) read as ctop -R reads one: the header
 * checked, the records indexed up to the last whole one, every summary
 * and timeouts record decoded, the expectations of the middle, the table
 * rebuilt at the end and in the middle. */
#include <stdlib.h>
#include <string.h>

#include "flightrec_file.h"
#include "fuzz.h"

/* Give every frame its right CRC, so mutations reach the decoders
 * instead of stopping at the CRC check. */
static void fix_crcs(uint8_t *p, size_t size)
{
	size_t off = FR_HEADER_LEN;

	while (off + FR_FRAME_LEN <= size) {
		uint32_t len = (uint32_t)p[off] << 24 | (uint32_t)p[off + 1] << 16 |
			       (uint32_t)p[off + 2] << 8 | p[off + 3];
		uint32_t crc;

		if (len > size - off - FR_FRAME_LEN)
			break;
		crc = fr_crc32(p + off + FR_FRAME_LEN, len);
		for (int i = 0; i < 4; i++)
			p[off + 4 + i] = (uint8_t)(crc >> (24 - 8 * i));
		off += FR_FRAME_LEN + len;
	}
}

static int count(const struct flow *f, void *data)
{
	long *n = data;

	/* Touch what the decoder filled, so a bad value shows under UBSan. */
	*n += f->family + f->protonum + f->timeout + f->helper + f->labels;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctop_err err = { 0 };
	struct fr_summary *s;
	struct fr_file f;
	uint8_t *buf;
	uint64_t at;
	long n = 0;

	/* Exactly SIZE bytes, so a read past the end is caught. */
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	/* Half the inputs keep their CRCs as they are, to test the check. */
	if (size && (data[size - 1] & 1))
		fix_crcs(buf, size);
	if (fr_file_open_mem(&f, buf, size, "fuzz", &err))
		return 0;
	s = malloc(sizeof(*s));
	for (size_t i = 0; s && i < f.nsumm; i++)
		if (fr_file_summary(&f, i, s) == 0)
			n += s->dim[FR_DIM_SRC].n + s->st.count;
	free(s);
	for (size_t i = 0; i < f.ntmo; i++) {
		struct fr_timeouts ft;
		const struct fr_entry *e = &f.rec[f.tmo[i]];

		if (fr_get_timeouts(f.map + e->off, e->len, &ft))
			continue;
		for (size_t k = 0; k < ft.npol; k++)
			for (size_t j = 0; j < ft.pol[k].n; j++)
				n += (long)strlen(ft.pol[k].v[j].state);
		n += (long)ft.to.n;
		fr_timeouts_free(&ft);
	}
	if (f.n) {
		struct fr_timeouts ft;
		struct expectation *e;
		size_t ne;

		if (fr_file_timeouts_at(&f, f.rec[f.n / 2].time_ns, &ft) == 1)
			fr_timeouts_free(&ft);
		if (fr_file_expect_at(&f, f.rec[f.n / 2].time_ns, &e, &ne) == 1) {
			for (size_t k = 0; k < ne; k++)
				n += (long)strlen(e[k].helper) + e[k].family;
			free(e);
		}
	}
	fr_file_table_at(&f, UINT64_MAX, &at, count, &n, &err);
	if (f.n)
		fr_file_table_at(&f, f.rec[f.n / 2].time_ns, &at, count, &n, &err);
	fr_file_close(&f);
	return n == -1;
}
