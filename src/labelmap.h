/* Conntrack label names: /etc/xtables/connlabel.conf (or /etc/connlabel.conf),
 * "BIT NAME" lines as iptables' connlabel match and conntrack(8) read
 * them. Loaded once, on first use; without the file every label is its
 * bit number. Pure model code: no netlink or curses. */
#ifndef CTOP_LABELMAP_H
#define CTOP_LABELMAP_H

#include <stddef.h>

#define LABELMAP_BITS 128

/* The name of label BIT, or NULL when the map has none. */
const char *labelmap_name(unsigned bit);
/* The bit of the name S (N bytes), or -1 if the map has no such name. */
int labelmap_bit(const char *s, size_t n);
/* Replace the map with TEXT (the file's format); for tests, and "" empties
 * it. */
void labelmap_set(const char *text);

#endif
