// SPDX-License-Identifier: GPL-2.0
/*
 * failalloc.c - an LD_PRELOAD shim that fails one allocation, for
 * tests/alloc/run.sh: the N-th call of malloc(), calloc(), realloc() or
 * reallocarray() that is counted returns NULL with errno ENOMEM; every
 * other one is glibc's.  glibc routes its own internal allocations
 * (strdup, asprintf, fopen, ...) through these symbols, so they count too.
 *
 * Environment:
 *   FAILALLOC_AT     N, 1-based; unset or 0: fail nothing (count only)
 *   FAILALLOC_DSO    count only allocations made while code of the shared
 *                    object whose path ends in this string is on the call
 *                    stack (the pahole plugin: its own calls and libbpf's
 *                    on its behalf); unset: count every allocation
 *   FAILALLOC_COUNT  file to write, at exit, the number of counted
 *                    allocations (how many N a sweep has to try)
 *   FAILALLOC_TRACE  set: print the failed allocation's call stack to
 *                    stderr (for finding the code a report points at)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void *__libc_malloc(size_t size);
void *__libc_calloc(size_t nmemb, size_t size);
void *__libc_realloc(void *ptr, size_t size);

#define MAX_FRAMES	64

static unsigned long fail_at;
static unsigned long counted;
static const char *dso_suffix;
static uintptr_t dso_lo, dso_hi;	/* the DSO's address range, once found */
static __thread int in_shim;		/* our own calls (backtrace) pass through */
static int ready;
static int trace;

/* dl_iterate_phdr() callback: the range of the object named *data */
static int find_dso(struct dl_phdr_info *info, size_t size, void *data)
{
	size_t n = strlen(info->dlpi_name), m = strlen(dso_suffix), i;
	uintptr_t lo = UINTPTR_MAX, hi = 0;

	(void)size;
	(void)data;
	if (n < m || strcmp(info->dlpi_name + n - m, dso_suffix))
		return 0;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t start = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type != PT_LOAD)
			continue;
		if (start < lo)
			lo = start;
		if (start + ph->p_memsz > hi)
			hi = start + ph->p_memsz;
	}
	dso_lo = lo;
	dso_hi = hi;
	return 1;
}

/* Is code of FAILALLOC_DSO on the stack of this allocation? */
static int in_dso(void)
{
	void *frames[MAX_FRAMES];
	int n, i;

	if (!dso_hi)
		dl_iterate_phdr(find_dso, NULL);
	if (!dso_hi)
		return 0;	/* not loaded yet */
	n = backtrace(frames, MAX_FRAMES);
	for (i = 0; i < n; i++)
		if ((uintptr_t)frames[i] >= dso_lo && (uintptr_t)frames[i] < dso_hi)
			return 1;
	return 0;
}

static void print_stack(void)
{
	void *frames[MAX_FRAMES];

	backtrace_symbols_fd(frames, backtrace(frames, MAX_FRAMES), 2);
}

/* Count this allocation; true if it is the one to fail. */
static int should_fail(void)
{
	int hit;

	if (!ready || in_shim)
		return 0;
	in_shim = 1;
	hit = !dso_suffix || in_dso();
	hit = hit && __atomic_add_fetch(&counted, 1, __ATOMIC_RELAXED) == fail_at;
	if (hit && trace)
		print_stack();
	in_shim = 0;
	return hit;
}

__attribute__((constructor))
static void failalloc_init(void)
{
	const char *at = getenv("FAILALLOC_AT");
	void *frame;

	fail_at = at ? strtoul(at, NULL, 10) : 0;
	trace = !!getenv("FAILALLOC_TRACE");
	dso_suffix = getenv("FAILALLOC_DSO");
	if (dso_suffix && !*dso_suffix)
		dso_suffix = NULL;
	/* backtrace() loads the unwinder on first use, allocating: do it now */
	in_shim = 1;
	backtrace(&frame, 1);
	in_shim = 0;
	ready = 1;
}

__attribute__((destructor))
static void failalloc_fini(void)
{
	const char *path = getenv("FAILALLOC_COUNT");
	char buf[32];
	int fd, len;

	if (!path)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	len = snprintf(buf, sizeof(buf), "%lu\n", counted);
	if (write(fd, buf, len) != len)
		counted = 0;
	close(fd);
}

void *malloc(size_t size)
{
	if (should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_malloc(size);
}

void *calloc(size_t nmemb, size_t size)
{
	if (should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_calloc(nmemb, size);
}

void *realloc(void *ptr, size_t size)
{
	if (should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_realloc(ptr, size);
}

void *reallocarray(void *ptr, size_t nmemb, size_t size)
{
	size_t bytes;

	if (__builtin_mul_overflow(nmemb, size, &bytes)) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(ptr, bytes);
}
