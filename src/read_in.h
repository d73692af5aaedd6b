/* An input read once from its start: a file or a pipe whose first bytes
 * were already taken to tell what it holds. Readers get the head back
 * before the rest, so a pipe works as well as a file. */
#ifndef CTOP_READ_IN_H
#define CTOP_READ_IN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Bytes looked at to tell the formats apart. */
#define READ_IN_HEAD 4096

struct read_in {
	FILE *fp;
	const char *name;	/* for messages: a path, or "standard input" */
	char head[READ_IN_HEAD];
	size_t nhead, pos;	/* head bytes held, and handed out */
	bool error;		/* a read failed (errno kept in err_no) */
	int err_no;
};

/* Fill the head from in->fp (in->fp and in->name set). */
void read_in_start(struct read_in *in);
/* Up to N bytes: the head's first, then the stream's. 0 at the end or
 * on error (in->error). */
size_t read_in_read(struct read_in *in, void *buf, size_t n);

#endif
