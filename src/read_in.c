/* The head of an input, then its rest (read_in.h). */
#include <errno.h>
#include <string.h>

#include "read_in.h"

static size_t fill(struct read_in *in, char *buf, size_t n)
{
	size_t got = 0, r;

	while (got < n) {
		r = fread(buf + got, 1, n - got, in->fp);
		got += r;
		if (r)
			continue;
		if (ferror(in->fp)) {
			if (errno == EINTR) {
				clearerr(in->fp);
				continue;
			}
			in->error = true;
			in->err_no = errno;
		}
		break;
	}
	return got;
}

void read_in_start(struct read_in *in)
{
	in->nhead = fill(in, in->head, sizeof(in->head));
	in->pos = 0;
}

size_t read_in_read(struct read_in *in, void *buf, size_t n)
{
	size_t from_head;

	if (in->pos < in->nhead) {
		from_head = in->nhead - in->pos;
		if (from_head > n)
			from_head = n;
		memcpy(buf, in->head + in->pos, from_head);
		in->pos += from_head;
		return from_head;
	}
	if (in->error || in->nhead < sizeof(in->head))
		return 0;	/* the head already met the end */
	return fill(in, buf, n);
}
