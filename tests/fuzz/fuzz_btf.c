// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fuzz_btf - the input is a BTF file (raw BTF, or an ELF with .BTF: what
 * --btf accepts), run against a fixed ELF object with a .BTF_ids section
 * (FZ_ELF_PATH: the i386 kfuncs fixture, set8 kfunc sets with
 * KF_IMPLICIT_ARGS), so that inputs derived from its own BTF go through
 * every stage: btfids__new, collect, load_btf from the file, run, and
 * every output. A successful run must give a final BTF that libbpf parses
 * back and a .BTF_ids output.
 *
 * For one input in eight (by size) the outputs are also written with
 * btfids__write() into a per-process directory: the files must hold
 * exactly the bytes of btfids__output(), and no temporary may be left.
 */
#include "fuzz_common.h"

#include <dirent.h>

#ifndef FZ_ELF_PATH
#error "FZ_ELF_PATH: the fixed ELF object with .BTF_ids"
#endif

FZ_BLOB(fz_fixed_elf, FZ_ELF_PATH);

static struct fz_file elf_file, btf_file;
static char out_dir[256], out_prefix[300];

static void cleanup(void)
{
	char path[400];
	int i;

	for (i = 0; i < BTFIDS_OUT_NR; i++) {
		snprintf(path, sizeof(path), "%s%s", out_prefix,
			 btfids__output_suffix((enum btfids_output)i));
		unlink(path);
	}
	rmdir(out_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_init_logging();
	fz_file_init(&elf_file, "fuzz-btf-elf");
	fz_file_init(&btf_file, "fuzz-btf-btf");
	fz_file_set(&elf_file, fz_fixed_elf, FZ_BLOB_SIZE(fz_fixed_elf));
	snprintf(out_dir, sizeof(out_dir), "%s/btfids-fuzz-btf.%d", fz_tmp_root(), (int)getpid());
	if (mkdir(out_dir, 0700) && errno != EEXIST) {
		perror(out_dir);
		abort();
	}
	snprintf(out_prefix, sizeof(out_prefix), "%s/out", out_dir);
	atexit(cleanup);
	return 0;
}

/* The written files hold the outputs' bytes; nothing else is left. */
static void check_write(struct btfids *b)
{
	int i, nr_files = 0, nr_outputs = 0;
	struct dirent *de;
	DIR *d;

	FZ_CHECK(btfids__write(b, out_prefix) == 0, "btfids__write failed");
	for (i = 0; i < BTFIDS_OUT_NR; i++) {
		const char *suffix = btfids__output_suffix((enum btfids_output)i);
		const void *data;
		char path[400];
		struct stat st;
		size_t size;

		data = btfids__output(b, (enum btfids_output)i, &size);
		snprintf(path, sizeof(path), "%s%s", out_prefix, suffix);
		if (!data) {
			FZ_CHECK(stat(path, &st), "%s written without an output", suffix);
			continue;
		}
		nr_outputs++;
		FZ_CHECK(!stat(path, &st) && (size_t)st.st_size == size,
			 "%s: %zu bytes expected", suffix, size);
		if (size) {
			void *got = malloc(size);
			int fd = open(path, O_RDONLY | O_CLOEXEC);

			FZ_CHECK(got && fd >= 0 && read(fd, got, size) == (ssize_t)size,
				 "cannot read %s back", path);
			FZ_CHECK(!memcmp(got, data, size), "%s: the file differs from the output",
				 suffix);
			close(fd);
			free(got);
		}
		unlink(path);
	}
	d = opendir(out_dir);
	FZ_CHECK(d, "cannot list %s", out_dir);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			nr_files++;
	closedir(d);
	FZ_CHECK(nr_files == 0, "%d file(s) left behind after writing %d output(s)",
		 nr_files, nr_outputs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct btfids_opts opts = fz_opts(false, fz_kernel(size, false));
	struct btfids *b;

	fz_file_set(&btf_file, data, size);
	b = btfids__new(elf_file.path, &opts);
	FZ_CHECK(b, "btfids__new failed");
	FZ_CHECK(btfids__collect(b) == 0, "the fixed ELF does not collect");
	if (!btfids__load_btf(b, btf_file.path, NULL) && !btfids__run(b)) {
		fz_check_outputs(b, 1);
		if (size % 8 == 0)
			check_write(b);
	}
	btfids__free(b);
	return 0;
}
