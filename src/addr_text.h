/* IPv4 and IPv6 addresses from text, by hand: inet_pton() needs a
 * NUL-terminated copy and was a tenth of the time of reading a table's
 * text. They accept exactly what inet_pton() accepts (dotted quads
 * without leading zeros; RFC 4291 IPv6 with one "::" and an optional
 * dotted quad in the last 32 bits), which tests/unit/test_addr_text.c
 * checks form by form against the C library. Pure: no I/O. */
#ifndef CTOP_ADDR_TEXT_H
#define CTOP_ADDR_TEXT_H

#include <stdint.h>

/* Parse an address at P (E: the end of the buffer, never read past).
 * Returns where the address ends: the first byte that cannot continue
 * it, which the caller checks is a separator (E, a blank, ...); NULL
 * when no address starts at P. OUT gets 4 or 16 bytes in network
 * order, and only on success. */
const char *addr_text_v4(const char *p, const char *e, uint8_t out[4]);
const char *addr_text_v6(const char *p, const char *e, uint8_t out[16]);

#endif
