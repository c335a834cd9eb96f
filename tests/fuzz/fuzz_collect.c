// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fuzz_collect - the input is an ELF object.
 *
 * btfids__new + btfids__collect on it (the .BTF_ids section and its
 * __BTF_ID__* symbols). When collecting succeeds, the whole pass runs too,
 * so that fuzzed symbol tables reach transform and resolve: on the ELF's
 * own .BTF section when it has a usable one (the *.withbtf seeds do),
 * else on a fixed BTF (FZ_BTF_PATH, the BTF of the i386 kfuncs fixture)
 * handed over as a host's in-memory BTF, which must come back unmodified.
 */
#include "fuzz_common.h"

#ifndef FZ_BTF_PATH
#error "FZ_BTF_PATH: raw BTF to run the collected placeholders against"
#endif

FZ_BLOB(fz_fixed_btf, FZ_BTF_PATH);

static struct fz_file elf_file;
static struct btf *fixed_btf;
static struct fz_snapshot fixed_snap;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_init_logging();
	fz_file_init(&elf_file, "fuzz-collect-elf");
	fixed_btf = btf__new(fz_fixed_btf, FZ_BLOB_SIZE(fz_fixed_btf));
	FZ_CHECK(fixed_btf, "the embedded BTF does not parse");
	fz_snapshot_take(&fixed_snap, fixed_btf);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct btfids_opts opts = fz_opts(false, fz_kernel(size, true));
	struct btfids *b;
	int err;

	fz_file_set(&elf_file, data, size);
	b = btfids__new(elf_file.path, &opts);
	FZ_CHECK(b, "btfids__new failed");
	err = btfids__collect(b);
	if (!err) {
		if (btfids__load_btf(b, NULL, NULL))
			FZ_CHECK(!btfids__set_btf(b, fixed_btf, NULL), "set_btf refused");
		FZ_CHECK(btfids__set_btf(b, fixed_btf, NULL) == -EBUSY,
			 "a second input BTF was accepted");
		if (!btfids__run(b))
			fz_check_outputs(b, -1);
	}
	btfids__free(b);
	fz_snapshot_check(&fixed_snap, fixed_btf, "fixed");
	return 0;
}
