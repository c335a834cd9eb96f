/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * fuzz_common.h - shared by the libFuzzer harnesses of libbtfids.
 *
 *   - quiet logging: the pass and libbpf print nothing while fuzzing; set
 *     BTFIDS_FUZZ_LOG=1 when replaying an input to see every message;
 *   - fixtures embedded at build time (FZ_BLOB), so a harness binary and
 *     one reproducer file are all it takes to replay a crash;
 *   - memfd-backed files (struct fz_file): the library takes paths, and
 *     /proc/self/fd/N of a memfd is a regular file that never touches disk;
 *   - invariants that are not crashes by themselves (FZ_CHECK aborts, so
 *     libFuzzer keeps the input that broke one).
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "btfids.h"

/*
 * FZ_BLOB(sym, "path"): the bytes of a file, taken in by the assembler at
 * build time, as sym[] .. sym##_end[].
 */
#define FZ_BLOB(sym, path)						\
	__asm__(".pushsection .rodata\n"				\
		".p2align 3\n"						\
		".globl " #sym "\n"					\
		#sym ":\n"						\
		".incbin \"" path "\"\n"				\
		".globl " #sym "_end\n"					\
		#sym "_end:\n"						\
		".byte 0\n"						\
		".popsection\n");					\
	extern const unsigned char sym[], sym##_end[]

#define FZ_BLOB_SIZE(sym)	((size_t)(sym##_end - sym))

/* An invariant of the library broke: say which, then abort for libFuzzer. */
#define FZ_CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "fuzz invariant failed at %s:%d: %s: ", \
				__FILE__, __LINE__, #cond);		\
			fprintf(stderr, __VA_ARGS__);			\
			fputc('\n', stderr);				\
			abort();					\
		}							\
	} while (0)

static bool fz_verbose;

static inline void fz_log(void *ctx, enum btfids_log_level level, const char *fmt, va_list args)
{
	(void)ctx;
	(void)level;
	if (fz_verbose)
		vfprintf(stderr, fmt, args);
}

static inline int fz_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	(void)level;
	return fz_verbose ? vfprintf(stderr, fmt, args) : 0;
}

/* Once per process: quiet libbpf, unless BTFIDS_FUZZ_LOG is set. */
static inline void fz_init_logging(void)
{
	const char *v = getenv("BTFIDS_FUZZ_LOG");

	fz_verbose = v && *v && strcmp(v, "0");
	libbpf_set_print(fz_libbpf_print);
	/* the release comes from fz_opts() or from the input itself */
	unsetenv("BTFIDS_KERNEL");
}

/*
 * The release an input of @size bytes is finished for: it follows the
 * size, so that mutations reach every path: Linux 7.2 (transform.c), 7.3
 * (kfuncs.c, libbpf's dedup) and, where the input is the ELF
 * (@from_object), the object's own (linux_banner, .modinfo; mostly
 * refused, which is a path too).
 */
static inline const char *fz_kernel(size_t size, bool from_object)
{
	static const char *const kernels[] = { "7.2", "7.3", "7.3", NULL };

	return kernels[size % (from_object ? 4 : 3)];
}

static inline struct btfids_opts fz_opts(bool distill, const char *kernel)
{
	struct btfids_opts opts;

	memset(&opts, 0, sizeof(opts));
	opts.sz = sizeof(opts);
	opts.verbose = fz_verbose ? 2 : 0;
	opts.distill_base = distill;
	opts.log = fz_log;
	opts.kernel = kernel;
	return opts;
}

/* Where a harness may make its per-process directory. */
static inline const char *fz_tmp_root(void)
{
	const char *t = getenv("FUZZ_TMPDIR");
	struct stat st;

	if (t && *t)
		return t;
	if (!stat("/dev/shm", &st) && S_ISDIR(st.st_mode) && !access("/dev/shm", W_OK))
		return "/dev/shm";
	return "/tmp";
}

/* A file in memory, reachable by path, rewritten for every input. */
struct fz_file {
	int fd;
	char path[64];
};

static inline void fz_file_init(struct fz_file *f, const char *name)
{
	f->fd = memfd_create(name, MFD_CLOEXEC);
	if (f->fd < 0) {
		perror("memfd_create");
		abort();
	}
	snprintf(f->path, sizeof(f->path), "/proc/self/fd/%d", f->fd);
}

static inline void fz_file_set(struct fz_file *f, const void *data, size_t size)
{
	const char *p = data;
	size_t done = 0;

	if (ftruncate(f->fd, 0) || ftruncate(f->fd, size)) {
		perror("ftruncate");
		abort();
	}
	while (done < size) {
		ssize_t n = pwrite(f->fd, p + done, size - done, done);

		if (n <= 0) {
			perror("pwrite");
			abort();
		}
		done += n;
	}
}

/*
 * What every successful run must give: a final BTF that libbpf parses
 * back (on the final base), and a .BTF_ids output exactly when the ELF
 * has a non-empty section. @ids_expected < 0: unknown.
 */
static inline void fz_check_outputs(struct btfids *b, int ids_expected)
{
	size_t size, i;
	const void *data;

	for (i = 0; i < BTFIDS_OUT_NR; i++) {
		data = btfids__output(b, (enum btfids_output)i, &size);
		FZ_CHECK(data || !size, "output %zu: no data but size %zu", i, size);
		/* touch every byte: ASan sees a short buffer */
		if (data && size) {
			volatile unsigned char sum = 0;
			const unsigned char *p = data;
			size_t j;

			for (j = 0; j < size; j++)
				sum ^= p[j];
			(void)sum;
		}
	}
	data = btfids__output(b, BTFIDS_OUT_BTF, &size);
	FZ_CHECK(data && size, "a successful run without final BTF");
	FZ_CHECK(btfids__btf(b) != NULL,
		 "the final BTF (%zu bytes) does not parse back: %s", size, strerror(errno));
	if (ids_expected >= 0) {
		data = btfids__output(b, BTFIDS_OUT_BTF_IDS, &size);
		FZ_CHECK(!!data == !!ids_expected, ".BTF_ids output %s, expected %s",
			 data ? "present" : "absent", ids_expected ? "present" : "absent");
	}
}

/* A copy of a BTF's raw bytes, to prove later that nobody wrote to it. */
struct fz_snapshot {
	const void *ptr;
	void *copy;
	__u32 size;
};

static inline void fz_snapshot_take(struct fz_snapshot *s, const struct btf *btf)
{
	s->ptr = btf__raw_data(btf, &s->size);
	FZ_CHECK(s->ptr, "btf__raw_data failed");
	s->copy = malloc(s->size ? s->size : 1);
	FZ_CHECK(s->copy, "out of memory");
	memcpy(s->copy, s->ptr, s->size);
}

static inline void fz_snapshot_check(struct fz_snapshot *s, const struct btf *btf, const char *what)
{
	__u32 size;
	const void *ptr = btf__raw_data(btf, &size);

	FZ_CHECK(ptr && size == s->size && !memcmp(ptr, s->copy, size),
		 "the host's %s BTF was modified (size %u -> %u)", what, s->size, size);
}

static inline void fz_snapshot_free(struct fz_snapshot *s)
{
	free(s->copy);
	s->copy = NULL;
}

#endif /* FUZZ_COMMON_H */
