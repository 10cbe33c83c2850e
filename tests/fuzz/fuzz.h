/* What every fuzz target shares. A target is one file tests/fuzz/fuzz_NAME.c
 * defining LLVMFuzzerTestOneInput, with its seeds in tests/fuzz/corpus/NAME/.
 * Built with clang and VPCFLOW_FUZZ, it is a libFuzzer binary; otherwise it is
 * linked with replay.c, which runs it over the files it is given, so that
 * every seed and regression input runs in every build.
 *
 * A target must never crash on any input and must leak nothing; where a
 * parser promises more (a round trip, a bound), the target checks it with
 * FUZZ_CHECK, which aborts with the broken promise named. */
#ifndef VPCFLOW_TESTS_FUZZ_H
#define VPCFLOW_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* libFuzzer's entry point: called once per input; data is borrowed and
 * exactly size bytes long (not NUL-terminated). Returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: broken promise: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* Whether a fixed-size error field is NUL-terminated inside its array. */
#define FUZZ_TERMINATED(field) (memchr((field), '\0', sizeof(field)) != NULL)

/* Whether the message s fits on one line of a terminal: no control
 * characters (newlines, escape sequences) from the input got into it. */
static inline int fuzz_one_line(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/* Aborts, showing the message with its control characters escaped, unless
 * the message s fits on one line. */
#define FUZZ_CHECK_ONE_LINE(s)                                                                     \
	do {                                                                                       \
		const char *msg_ = (s);                                                            \
		if (!fuzz_one_line(msg_)) {                                                        \
			fprintf(stderr, "%s:%d: broken promise: a one-line message: \"", __FILE__, \
			        __LINE__);                                                         \
			for (; *msg_; msg_++)                                                      \
				fprintf(stderr,                                                    \
				        (unsigned char)*msg_ < 0x20 || *msg_ == 0x7f ? "\\x%02x"   \
				                                                     : "%c",       \
				        (unsigned char)*msg_);                                     \
			fprintf(stderr, "\"\n");                                                   \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

#endif
