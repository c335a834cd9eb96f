// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fuzz_btf_split - the input is split BTF on a fixed base (FZ_BASE_PATH:
 * the x86-64 fixture vmlinux's final BTF), for a fixed module with kfunc
 * sets (FZ_ELF_PATH: the x86-64 mod fixture).
 *
 * It goes in the way the pahole plugin hands BTF over: parsed by the host
 * (btf__new_split) and given with btfids__set_btf, then run twice, without
 * and with distill_base; the host's split BTF and base must come back
 * unmodified. For every other input (by size) it also goes in the way the
 * command does, from files with btfids__load_btf(split, base), without
 * distilling: where both ways succeed, their outputs must be the same bytes.
 */
#include "fuzz_common.h"

#if !defined(FZ_ELF_PATH) || !defined(FZ_BASE_PATH)
#error "FZ_ELF_PATH (module ELF) and FZ_BASE_PATH (raw base BTF) are needed"
#endif

FZ_BLOB(fz_fixed_elf, FZ_ELF_PATH);
FZ_BLOB(fz_fixed_base, FZ_BASE_PATH);

static struct fz_file elf_file, base_file, split_file;
static struct btf *base;
static struct fz_snapshot base_snap;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_init_logging();
	fz_file_init(&elf_file, "fuzz-split-elf");
	fz_file_set(&elf_file, fz_fixed_elf, FZ_BLOB_SIZE(fz_fixed_elf));
	fz_file_init(&base_file, "fuzz-split-base");
	fz_file_set(&base_file, fz_fixed_base, FZ_BLOB_SIZE(fz_fixed_base));
	fz_file_init(&split_file, "fuzz-split-split");
	base = btf__new(fz_fixed_base, FZ_BLOB_SIZE(fz_fixed_base));
	FZ_CHECK(base, "the embedded base BTF does not parse");
	fz_snapshot_take(&base_snap, base);
	return 0;
}

/* The outputs of one successful run, copied. */
struct outputs {
	bool ok;
	void *data[BTFIDS_OUT_NR];
	size_t size[BTFIDS_OUT_NR];
};

static void outputs_take(struct outputs *o, struct btfids *b)
{
	int i;

	o->ok = true;
	for (i = 0; i < BTFIDS_OUT_NR; i++) {
		const void *d = btfids__output(b, (enum btfids_output)i, &o->size[i]);

		o->data[i] = d ? malloc(o->size[i] + 1) : NULL;
		FZ_CHECK(!d || o->data[i], "out of memory");
		if (d)
			memcpy(o->data[i], d, o->size[i]);
	}
}

static void outputs_free(struct outputs *o)
{
	int i;

	for (i = 0; i < BTFIDS_OUT_NR; i++)
		free(o->data[i]);
	memset(o, 0, sizeof(*o));
}

/* One run; @btf NULL: from the files, else the host's BTF. */
static void run_once(struct btf *btf, bool distill, const char *kernel, struct outputs *out)
{
	struct btfids_opts opts = fz_opts(distill, kernel);
	struct btfids *b;
	int err;

	b = btfids__new(elf_file.path, &opts);
	FZ_CHECK(b, "btfids__new failed");
	FZ_CHECK(btfids__collect(b) == 0, "the fixed ELF does not collect");
	if (btf)
		FZ_CHECK(btfids__set_btf(b, btf, base) == 0, "set_btf refused split BTF on its base");
	err = btf ? 0 : btfids__load_btf(b, split_file.path, base_file.path);
	if (!err && !btfids__run(b)) {
		fz_check_outputs(b, 1);
		if (distill) {
			size_t size;

			FZ_CHECK(btfids__output(b, BTFIDS_OUT_BTF_BASE, &size) && size,
				 "distill_base on split BTF gave no .BTF.base");
			FZ_CHECK(btfids__base_btf(b) != base, "the distilled base is the host's");
		}
		if (out)
			outputs_take(out, b);
	}
	btfids__free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *kernel = fz_kernel(size, false);
	struct outputs host = {}, files = {};
	struct fz_snapshot snap;
	struct btf *btf;
	int i;

	btf = btf__new_split(data, size, base);
	if (btf) {
		fz_snapshot_take(&snap, btf);
		run_once(btf, false, kernel, &host);
		fz_snapshot_check(&snap, btf, "split");
		run_once(btf, true, kernel, NULL);
		fz_snapshot_check(&snap, btf, "split");
		fz_snapshot_check(&base_snap, base, "base");
		fz_snapshot_free(&snap);
		btf__free(btf);
	}
	if (size % 2 == 0) {
		fz_file_set(&split_file, data, size);
		run_once(NULL, false, kernel, &files);
	}
	for (i = 0; host.ok && files.ok && i < BTFIDS_OUT_NR; i++)
		FZ_CHECK(host.size[i] == files.size[i] &&
			 (!host.size[i] || !memcmp(host.data[i], files.data[i], host.size[i])),
			 "output %d differs between host BTF and files (%zu vs %zu bytes)",
			 i, host.size[i], files.size[i]);
	outputs_free(&host);
	outputs_free(&files);
	return 0;
}
