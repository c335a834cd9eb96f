/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/selftest/test_progs.h - just enough of the BPF selftests' runner
 * for the kernel's prog_tests/resolve_btfids.c (Linux 7.2's and 7.3's) to
 * compile and run unchanged, outside test_progs (tests/selftest/run.sh).
 *
 * What the two test files use, with test_progs' semantics (one line on
 * stdout per check, "FUNC:PASS:TAG ..." or "FUNC:FAIL:TAG ..."; a failed
 * check marks the test failed and the test goes on):
 *   CHECK(cond, tag, fmt...)     fails if cond is true; returns !!cond; uses
 *                                the caller's `duration' (7.2 declares it)
 *   PRINT_FAIL(fmt...)           a failure with its own message (7.2)
 *   ASSERT_TRUE(v, name)         fails unless v; returns v as a bool
 *   ASSERT_EQ/ASSERT_LE(a, b, name)  a == b, a <= b, each side evaluated
 *                                once in its own type; returns the result
 *   ASSERT_OK_PTR(p, name)       fails if libbpf_get_error(p); returns ok
 *   test__fail()                 marks the running test failed
 * errno is kept across a check, as test_progs does.  main() (runner.c)
 * runs test_resolve_btfids() and says how it went.
 */
#ifndef BTFIDS_SELFTEST_TEST_PROGS_H
#define BTFIDS_SELFTEST_TEST_PROGS_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <bpf/libbpf.h>

void test_resolve_btfids(void);

void test__fail(void);
int test__check(int failed, const char *func, const char *tag, int duration,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#define PRINT_FAIL(format...) ({					\
	test__fail();							\
	fprintf(stdout, "%s:FAIL:%d ", __func__, __LINE__);		\
	fprintf(stdout, ##format);					\
})

#define CHECK(condition, tag, format...) ({				\
	int __failed = !!(condition);					\
	test__check(__failed, __func__, (tag), duration, ##format);	\
})

/* ASSERT_OP(actual, expected, name, op, shown): the comparison macros */
#define __ASSERT_OP(actual, expected, name, op, shown) ({		\
	typeof(actual) __act = (actual);				\
	typeof(expected) __exp = (expected);				\
	bool __ok = __act op __exp;					\
	test__check(!__ok, __func__, (name), 0,				\
		    "unexpected %s: actual %lld " shown " expected %lld\n",	\
		    (name), (long long)__act, (long long)__exp);	\
	__ok;								\
})

#define ASSERT_EQ(actual, expected, name)				\
	__ASSERT_OP(actual, expected, name, ==, "!=")
#define ASSERT_LE(actual, expected, name)				\
	__ASSERT_OP(actual, expected, name, <=, ">")

#define ASSERT_TRUE(actual, name) ({					\
	bool __ok = (actual);						\
	test__check(!__ok, __func__, (name), 0,				\
		    "unexpected %s: got FALSE\n", (name));		\
	__ok;								\
})

#define ASSERT_OK_PTR(ptr, name) ({					\
	const void *__res = (ptr);					\
	int __err = libbpf_get_error(__res);				\
	test__check(__err != 0, __func__, (name), 0,			\
		    "unexpected error: %d\n", __err);			\
	__err == 0;							\
})

#endif /* BTFIDS_SELFTEST_TEST_PROGS_H */
