// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fuzz_patch - btfids__patch_elf (--patch_btfids) on a fuzzed ELF.
 *
 * Input: byte 0 picks the size of a fixed blob, 4 + byte % 61 (4..64
 * bytes, so that it sometimes matches the .BTF_ids of a seed); the rest
 * is the ELF object. Both go to files in a per-process directory (under
 * $FUZZ_TMPDIR, else /dev/shm, else /tmp), the ELF with mode 0640.
 *
 * Checked after every call:
 *   - the directory holds the ELF and the blob and nothing else (no
 *     temporary file left behind, whatever happened);
 *   - failure: the ELF's bytes are unchanged;
 *   - success: same size and mode, and the only bytes that changed lie in
 *     one window of the blob's size that now holds the blob.
 */
#include "fuzz_common.h"

#include <dirent.h>

#define BLOB_MIN	4
#define BLOB_SPAN	61	/* sizes 4..64 */
#define ELF_MODE	0640

static char dir[256], elf_path[300], blob_path[300];
static unsigned char blob[BLOB_MIN + BLOB_SPAN];
static size_t blob_size;	/* of the blob file now on disk, 0: none yet */
static unsigned char *readback;
static size_t readback_cap;

static void cleanup(void)
{
	unlink(elf_path);
	unlink(blob_path);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	size_t i;

	(void)argc;
	(void)argv;
	fz_init_logging();
	snprintf(dir, sizeof(dir), "%s/btfids-fuzz-patch.%d", fz_tmp_root(), (int)getpid());
	if (mkdir(dir, 0700) && errno != EEXIST) {
		perror(dir);
		abort();
	}
	snprintf(elf_path, sizeof(elf_path), "%s/x.o", dir);
	snprintf(blob_path, sizeof(blob_path), "%s/blob", dir);
	for (i = 0; i < sizeof(blob); i++)
		blob[i] = 0xb0 + i;
	readback_cap = 64;
	readback = malloc(readback_cap);
	FZ_CHECK(readback, "out of memory");
	atexit(cleanup);
	return 0;
}

static void write_file(const char *path, const void *data, size_t size, int mode)
{
	const char *p = data;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	FZ_CHECK(fd >= 0, "cannot create %s: %s", path, strerror(errno));
	FZ_CHECK(!fchmod(fd, mode), "fchmod %s", path);
	while (size) {
		ssize_t n = write(fd, p, size);

		FZ_CHECK(n > 0, "cannot write %s: %s", path, strerror(errno));
		p += n;
		size -= n;
	}
	FZ_CHECK(!close(fd), "close %s", path);
}

/* The ELF as it is now on disk, into readback; its size and mode. */
static size_t read_elf(mode_t *mode)
{
	struct stat st;
	size_t done = 0;
	int fd;

	fd = open(elf_path, O_RDONLY | O_CLOEXEC);
	FZ_CHECK(fd >= 0, "the ELF is gone: %s", strerror(errno));
	FZ_CHECK(!fstat(fd, &st) && S_ISREG(st.st_mode), "the ELF is no regular file");
	if ((size_t)st.st_size > readback_cap) {
		readback_cap = st.st_size;
		readback = realloc(readback, readback_cap);
		FZ_CHECK(readback, "out of memory");
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, readback + done, st.st_size - done);

		FZ_CHECK(n > 0, "cannot read the ELF back");
		done += n;
	}
	close(fd);
	*mode = st.st_mode & 07777;
	return done;
}

/* Nothing in the directory but the ELF and the blob. */
static void check_dir(void)
{
	struct dirent *de;
	DIR *d = opendir(dir);

	FZ_CHECK(d, "cannot list %s", dir);
	while ((de = readdir(d))) {
		const char *n = de->d_name;

		FZ_CHECK(!strcmp(n, ".") || !strcmp(n, "..") || !strcmp(n, "x.o") ||
			 !strcmp(n, "blob"), "left behind in the directory: %s", n);
	}
	closedir(d);
}

/* Success: every changed byte lies in one blob-sized window holding the blob. */
static void check_patched(const uint8_t *orig, size_t size, size_t n)
{
	size_t first = 0, last, off, lo, hi;

	while (first < size && readback[first] == orig[first])
		first++;
	FZ_CHECK(size >= n, "patched a %zu-byte blob into a %zu-byte file", n, size);
	if (first == size)
		return;		/* the section held the blob's bytes already */
	last = size - 1;
	while (readback[last] == orig[last])
		last--;
	FZ_CHECK(last - first < n, "bytes %zu..%zu changed, more than the %zu-byte blob",
		 first, last, n);
	lo = last + 1 >= n ? last + 1 - n : 0;
	hi = first + n <= size ? first : size - n;
	for (off = lo; off <= hi; off++)
		if (!memcmp(readback + off, blob, n))
			return;
	FZ_CHECK(0, "bytes %zu..%zu changed but the blob is not there", first, last);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct btfids_opts opts = fz_opts(false, fz_kernel(size, true));
	const uint8_t *elf;
	size_t n, elf_size, got;
	mode_t mode;
	int err;

	if (size < 1)
		return 0;
	n = BLOB_MIN + data[0] % BLOB_SPAN;
	elf = data + 1;
	elf_size = size - 1;
	if (n != blob_size) {
		write_file(blob_path, blob, n, 0644);
		blob_size = n;
	}
	write_file(elf_path, elf, elf_size, ELF_MODE);

	err = btfids__patch_elf(elf_path, blob_path, &opts);

	check_dir();
	got = read_elf(&mode);
	if (err) {
		FZ_CHECK(got == elf_size && !memcmp(readback, elf, elf_size),
			 "failed (%d) but the ELF changed (%zu -> %zu bytes)", err, elf_size, got);
		FZ_CHECK(mode == ELF_MODE, "failed but the ELF's mode changed to %o", mode);
	} else {
		FZ_CHECK(got == elf_size, "patched ELF is %zu bytes, was %zu", got, elf_size);
		FZ_CHECK(mode == ELF_MODE, "patched ELF has mode %o, was %o", mode, ELF_MODE);
		check_patched(elf, elf_size, n);
	}
	return 0;
}
