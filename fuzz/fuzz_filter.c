/* The filter language: compile an expression and evaluate it on a few
 * flows of every kind, plus one built from the input's tail.
 *
 * Input: the expression, then optionally a NUL and raw bytes that become
 * an extra flow (a struct flow image, its family forced valid). */
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "flow.h"
#include "fuzz.h"

#define NFLOWS 6

static void addr4(union flow_addr *a, uint8_t x, uint8_t y, uint8_t z, uint8_t w)
{
	memset(a, 0, sizeof(*a));
	a->b[0] = x, a->b[1] = y, a->b[2] = z, a->b[3] = w;
}

static void addr6(union flow_addr *a, uint16_t first, uint16_t last)
{
	memset(a, 0, sizeof(*a));
	a->b[0] = (uint8_t)(first >> 8), a->b[1] = (uint8_t)first;
	a->b[14] = (uint8_t)(last >> 8), a->b[15] = (uint8_t)last;
}

static void flows_init(struct flow *fl)
{
	static const uint8_t label3[16] = { 0x08 };
	struct flow *f;

	memset(fl, 0, NFLOWS * sizeof(*fl));
	/* TCP, SNAT, established, assured, with counters, mark and zone. */
	f = &fl[0];
	f->family = FLOW_IPV4, f->protonum = FLOW_P_TCP;
	addr4(&f->orig.src, 10, 1, 1, 1), addr4(&f->orig.dst, 198, 51, 100, 8);
	f->orig.sport = 40006, f->orig.dport = 80;
	f->reply.src = f->orig.dst, addr4(&f->reply.dst, 203, 0, 113, 1);
	f->reply.sport = 80, f->reply.dport = 40006;
	f->status = FLOW_S_ASSURED | FLOW_S_SEEN_REPLY | FLOW_S_CONFIRMED |
		    FLOW_S_SRC_NAT | FLOW_S_SRC_NAT_DONE;
	f->state = 3, f->timeout = 431999, f->mark = 0x2a;
	f->orig.zone = f->reply.zone = 3;
	f->id = 12345, f->orig_packets = 10, f->orig_bytes = 1000;
	f->has = FLOW_HAS_STATE | FLOW_HAS_COUNTERS | FLOW_HAS_MARK |
		 FLOW_HAS_ZONE | FLOW_HAS_TIMEOUT;
	/* UDP over IPv6, unreplied, DNAT. */
	f = &fl[1];
	f->family = FLOW_IPV6, f->protonum = FLOW_P_UDP;
	addr6(&f->orig.src, 0xfd00, 1), addr6(&f->orig.dst, 0x2001, 53);
	f->orig.sport = 5353, f->orig.dport = 53;
	addr6(&f->reply.src, 0xfd01, 2), f->reply.dst = f->orig.src;
	f->reply.sport = 5300, f->reply.dport = 5353;
	f->orig.zone = 2;	/* the original direction's zone only */
	f->timeout = 29, f->has = FLOW_HAS_TIMEOUT | FLOW_HAS_ZONE;
	/* ICMP echo. */
	f = &fl[2];
	f->family = FLOW_IPV4, f->protonum = FLOW_P_ICMP;
	addr4(&f->orig.src, 192, 0, 2, 4), addr4(&f->orig.dst, 198, 51, 100, 4);
	f->orig.sport = 4242, f->orig.icmp_type = 8;
	f->reply.src = f->orig.dst, f->reply.dst = f->orig.src;
	f->reply.sport = 4242;
	f->status = FLOW_S_SEEN_REPLY;
	/* GRE with keys. */
	f = &fl[3];
	f->family = FLOW_IPV4, f->protonum = FLOW_P_GRE;
	addr4(&f->orig.src, 192, 0, 2, 7), addr4(&f->orig.dst, 198, 51, 100, 7);
	f->orig.sport = 0x100, f->orig.dport = 0x200;
	f->reply.src = f->orig.dst, f->reply.dst = f->orig.src;
	/* TCP with a helper and a label, time-wait. */
	f = &fl[4];
	f->family = FLOW_IPV4, f->protonum = FLOW_P_TCP;
	addr4(&f->orig.src, 127, 0, 0, 1), addr4(&f->orig.dst, 127, 0, 0, 1);
	f->orig.sport = 50000, f->orig.dport = 21;
	f->reply.src = f->orig.dst, f->reply.dst = f->orig.src;
	f->reply.sport = 21, f->reply.dport = 50000;
	f->state = 7, f->status = FLOW_S_HELPER | FLOW_S_SEEN_REPLY;
	f->helper = intern_helper("ftp");
	f->labels = intern_labels(label3, sizeof(label3));
	f->has = FLOW_HAS_STATE | FLOW_HAS_LABELS;
}

/* What the kernel is asked to keep must keep every flow the filter
 * matches (filter.h: only conjuncts at the top level go down). */
static bool pushdown_keeps(const struct filter_pushdown *pd,
			   const struct flow *f)
{
	if (pd->family && f->family != pd->family)
		return false;
	if (pd->has_mark && (f->mark & pd->mark_mask) != pd->mark)
		return false;
	if ((f->status & pd->status_mask) != pd->status)
		return false;
	if (pd->protonum >= 0 && f->protonum != pd->protonum)
		return false;
	/* The kernel's zone filter: the zone id of either direction; zone 0
	 * is never sent (it means no filter). */
	if (pd->zone > 0 && f->orig.zone != pd->zone &&
	    f->reply.zone != pd->zone)
		return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct flow fl[NFLOWS];
	static bool ready;
	struct filter_error ferr;
	struct filter_pushdown pd;
	struct filter *flt;
	const uint8_t *nul;
	size_t elen, rest;
	char *expr;

	if (!ready) {
		flows_init(fl);
		ready = true;
	}
	nul = memchr(data, 0, size);
	elen = nul ? (size_t)(nul - data) : size;
	expr = malloc(elen + 1);
	if (!expr)
		return 0;
	memcpy(expr, data, elen);
	expr[elen] = '\0';
	/* The extra flow: raw bytes, but a family the model allows and
	 * interned indexes that exist (the parser never makes others). */
	memset(&fl[NFLOWS - 1], 0, sizeof(fl[0]));
	rest = nul ? size - elen - 1 : 0;
	if (rest) {
		struct flow *f = &fl[NFLOWS - 1];

		memcpy(f, nul + 1, rest < sizeof(*f) ? rest : sizeof(*f));
		f->family = (f->family & 1) ? FLOW_IPV6 : FLOW_IPV4;
		f->helper = f->helper ? fl[4].helper : 0;
		f->labels = f->labels ? fl[4].labels : 0;
	}
	memset(&ferr, 0, sizeof(ferr));
	flt = filter_compile(expr, &ferr);
	if (flt) {
		unsigned int hits = 0;

		filter_pushdown(flt, &pd);
		for (int i = 0; i < NFLOWS; i++) {
			bool m = filter_match(flt, &fl[i]);

			if (m && !pushdown_keeps(&pd, &fl[i]))
				abort();	/* the kernel would drop it */
			hits += m;
		}
		if (filter_is_empty(flt) && hits != NFLOWS)
			abort();	/* match-all that refused a flow */
		(void)filter_text(flt);
		filter_free(flt);
	} else if (ferr.column < 0 || ferr.msg[sizeof(ferr.msg) - 1]) {
		abort();
	}
	free(expr);
	return 0;
}
