// SPDX-License-Identifier: GPL-2.0
/*
 * runner.c - main() for the kernel's resolve_btfids selftest built alone
 * (tests/selftest/run.sh): runs test_resolve_btfids() in the current
 * directory (it reads resolve_btfids.test.o.BTF there), prints each check
 * as test_progs does, then one summary line:
 *   "#1 resolve_btfids:OK (N checks)" or "#1 resolve_btfids:FAIL (N checks, M failed)"
 * Exit status: 0 if every check passed, 1 if any failed, 2 if none ran
 * (a test that checks nothing proves nothing).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "test_progs.h"

static int n_checks, n_failed, test_failed;

void test__fail(void)
{
	test_failed = 1;
}

int test__check(int failed, const char *func, const char *tag, int duration,
		const char *fmt, ...)
{
	int saved_errno = errno;
	va_list ap;

	n_checks++;
	if (failed) {
		n_failed++;
		test__fail();
		printf("%s:FAIL:%s ", func, tag);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	} else {
		printf("%s:PASS:%s %d nsec\n", func, tag, duration);
	}
	errno = saved_errno;
	return failed;
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_resolve_btfids();
	if (test_failed)
		printf("#1 resolve_btfids:FAIL (%d checks, %d failed)\n", n_checks, n_failed);
	else
		printf("#1 resolve_btfids:OK (%d checks)\n", n_checks);
	if (test_failed)
		return 1;
	return n_checks ? 0 : 2;
}
