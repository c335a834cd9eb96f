// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * emit.c - stage 6: the outputs. The final BTF and the distilled base come
 * from libbpf's raw data (in the input's byte order); .BTF_ids goes back to
 * the target's byte order. Files are written atomically (file.c).
 *
 * Also the --patch_btfids operation: put a resolved .BTF_ids blob into an
 * ELF object, by patching a copy of the file and renaming it over the
 * original; nothing but the section's bytes changes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/btf.h>

#include "btfids_internal.h"

static const char *const output_suffix[BTFIDS_OUT_NR] = {
	[BTFIDS_OUT_BTF]	= ".BTF",
	[BTFIDS_OUT_BTF_BASE]	= ".BTF.base",
	[BTFIDS_OUT_BTF_IDS]	= ".BTF_ids",
};

const char *btfids__output_suffix(enum btfids_output which)
{
	return which < BTFIDS_OUT_NR ? output_suffix[which] : NULL;
}

int btfids_emit(struct btfids *b)
{
	__u32 i, nr = b->ids_size / sizeof(__u32);
	__u32 *out;

	if (!b->has_ids || !b->ids_size)
		return 0;
	out = malloc(b->ids_size);
	if (!out)
		return -ENOMEM;
	for (i = 0; i < nr; i++)
		out[i] = b->swap ? btfids_bswap32(b->words[i]) : b->words[i];
	free(b->ids_out);
	b->ids_out = out;
	return 0;
}

const void *btfids__output(struct btfids *b, enum btfids_output which, size_t *size)
{
	const void *data = NULL;
	__u32 sz = 0;

	switch (which) {
	case BTFIDS_OUT_BTF:
		data = b->btf_raw;
		sz = b->btf_raw_size;
		break;
	case BTFIDS_OUT_BTF_BASE:
		data = b->distilled ? btf__raw_data(b->base, &sz) : NULL;
		break;
	case BTFIDS_OUT_BTF_IDS:
		data = b->ids_out;
		sz = b->ids_out ? b->ids_size : 0;
		break;
	default:
		break;
	}
	*size = data ? sz : 0;
	return data;
}

int btfids__write_output(struct btfids *b, enum btfids_output which, const char *path)
{
	const void *data;
	size_t size;

	data = btfids__output(b, which, &size);
	if (!data) {
		if (which == BTFIDS_OUT_BTF) {
			pr_err(b, "btfids: %s: no final BTF to write\n", b->elf_path);
			return -EINVAL;
		}
		return 0;
	}
	return btfids_write_atomic(&b->opts, path, data, size, 0666);
}

static int write_output(struct btfids *b, const char *prefix, enum btfids_output which)
{
	char *path;
	int err;

	if (asprintf(&path, "%s%s", prefix, output_suffix[which]) < 0)
		return -ENOMEM;
	err = btfids__write_output(b, which, path);
	free(path);
	return err;
}

int btfids__write(struct btfids *b, const char *prefix)
{
	static const enum btfids_output order[] = {
		BTFIDS_OUT_BTF_IDS, BTFIDS_OUT_BTF, BTFIDS_OUT_BTF_BASE,
	};
	size_t i;
	int err;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		err = write_output(b, prefix, order[i]);
		if (err)
			return err;
	}
	return 0;
}

/* File offset and size of .BTF_ids in the ELF image @img. */
static int find_ids_section(const struct btfids_opts *opts, const char *path,
			    void *img, size_t size, size_t *off, size_t *len)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	Elf *elf;
	int err = -ENOENT;

	elf_version(EV_CURRENT);
	elf = elf_memory(img, size);
	if (!elf || elf_kind(elf) != ELF_K_ELF || elf_getshdrstrndx(elf, &shstrndx)) {
		btfids_log(opts, BTFIDS_LOG_ERROR, "btfids: %s: not a readable ELF file: %s\n",
			   path, elf_errmsg(-1));
		err = -EINVAL;
		goto out;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		const char *name;
		GElf_Shdr sh;

		if (gelf_getshdr(scn, &sh) != &sh)
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name || strcmp(name, ".BTF_ids"))
			continue;
		if (sh.sh_type == SHT_NOBITS || (sh.sh_flags & SHF_COMPRESSED) ||
		    sh.sh_offset > size || sh.sh_size > size - sh.sh_offset) {
			btfids_log(opts, BTFIDS_LOG_ERROR,
				   "btfids: %s: section .BTF_ids has no bytes in the file to patch\n",
				   path);
			err = -EINVAL;
			goto out;
		}
		*off = sh.sh_offset;
		*len = sh.sh_size;
		err = 0;
		break;
	}
	if (err == -ENOENT)
		btfids_log(opts, BTFIDS_LOG_ERROR, "btfids: %s: no section .BTF_ids\n", path);
out:
	if (elf)
		elf_end(elf);
	return err;
}

int btfids__patch_elf(const char *elf_path, const char *blob_path,
		      const struct btfids_opts *opts)
{
	void *img = NULL, *blob = NULL;
	size_t img_size, blob_size, off, len;
	struct stat st;
	int err;

	err = btfids_read_file(opts, elf_path, &img, &img_size);
	if (!err)
		err = btfids_read_file(opts, blob_path, &blob, &blob_size);
	if (!err)
		err = find_ids_section(opts, elf_path, img, img_size, &off, &len);
	if (!err && len != blob_size) {
		btfids_log(opts, BTFIDS_LOG_ERROR,
			   "btfids: %s: section .BTF_ids is %zu bytes, %s is %zu bytes\n",
			   elf_path, len, blob_path, blob_size);
		err = -EINVAL;
	}
	if (!err && stat(elf_path, &st))
		err = -errno;
	if (!err) {
		memcpy((char *)img + off, blob, len);
		err = btfids_write_atomic(opts, elf_path, img, img_size, st.st_mode & 07777);
	}
	free(blob);
	free(img);
	return err;
}
