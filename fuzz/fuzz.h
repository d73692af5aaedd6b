/* Shared by the libFuzzer harnesses fuzz/fuzz_*.c. Each harness defines
 * LLVMFuzzerTestOneInput(); built with clang -fsanitize=fuzzer it is a
 * fuzzer (make fuzz), built with fuzz/replay.c by the plain compiler it
 * is a unit test that runs its seeds and regression inputs (tests/run). */
#ifndef CTOP_FUZZ_H
#define CTOP_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input's first netlink message, copied into a buffer of exactly its
 * nlmsg_len (so ASan sees a read past it), or NULL when the input holds
 * no whole message. The caller frees it. Inline: the libFuzzer builds
 * link no other file of fuzz/. */
static inline void *fuzz_first_message(const uint8_t *data, size_t size)
{
	struct nlmsghdr hdr;
	void *msg;

	if (size < sizeof(hdr))
		return NULL;
	memcpy(&hdr, data, sizeof(hdr));
	if (hdr.nlmsg_len < sizeof(hdr) || hdr.nlmsg_len > size)
		return NULL;
	msg = malloc(hdr.nlmsg_len);
	if (msg)
		memcpy(msg, data, hdr.nlmsg_len);
	return msg;
}

/* Mark [p, p + n) unreadable under ASan, so a read past the end of an
 * input placed in a larger buffer is reported; no-ops otherwise. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FUZZ_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define FUZZ_ASAN 1
#endif
#ifdef FUZZ_ASAN
#include <sanitizer/asan_interface.h>
#define fuzz_poison(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define fuzz_unpoison(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define fuzz_poison(p, n) ((void)(p), (void)(n))
#define fuzz_unpoison(p, n) ((void)(p), (void)(n))
#endif

#endif
