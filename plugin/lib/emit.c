// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * emit.c - stage 6: the outputs as bytes and as file names. The final BTF
 * and the distilled base are finalize's bytes, in the input's byte order;
 * .BTF_ids goes back to the target's byte order here. Writing them, as a
 * set, is file.c's.
 *
 * Also the --patch_btfids operation: put a resolved .BTF_ids blob into an
 * ELF object, by patching a copy of the file and renaming it over the
 * original; nothing but the section's bytes changes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bytes.h"
#include "elf_sections.h"
#include "emit.h"
#include "file.h"

static const char *const output_suffix[BTFIDS_OUT_NR] = {
	[BTFIDS_OUT_BTF]	= ".BTF",
	[BTFIDS_OUT_BTF_BASE]	= ".BTF.base",
	[BTFIDS_OUT_BTF_IDS]	= ".BTF_ids",
};

const char *btfids_output_suffix(enum btfids_output which)
{
	return which < BTFIDS_OUT_NR ? output_suffix[which] : NULL;
}

int btfids_emit_ids(const __u32 *words, size_t size, bool swap, void **outp)
{
	size_t i, nr = size / BTFIDS_WORD_SIZE;
	__u32 *out;

	out = malloc(size + BTFIDS_WORD_SIZE);
	if (!out)
		return -ENOMEM;
	for (i = 0; i < nr; i++)
		out[i] = swap ? btfids_bswap32(words[i]) : words[i];
	*outp = out;
	return 0;
}

int btfids_output_paths(const char *btf_path, char *paths[BTFIDS_OUT_NR])
{
	const char *suffix = output_suffix[BTFIDS_OUT_BTF];
	size_t len = strlen(btf_path);

	if (len >= strlen(suffix) && !strcmp(btf_path + len - strlen(suffix), suffix))
		len -= strlen(suffix);
	paths[BTFIDS_OUT_BTF] = strdup(btf_path);
	if (asprintf(&paths[BTFIDS_OUT_BTF_BASE], "%s.base", btf_path) < 0)
		paths[BTFIDS_OUT_BTF_BASE] = NULL;
	if (asprintf(&paths[BTFIDS_OUT_BTF_IDS], "%.*s%s", (int)len, btf_path,
		     output_suffix[BTFIDS_OUT_BTF_IDS]) < 0)
		paths[BTFIDS_OUT_BTF_IDS] = NULL;
	return paths[0] && paths[1] && paths[2] ? 0 : -ENOMEM;
}

void btfids_output_paths_free(char *paths[BTFIDS_OUT_NR])
{
	int i;

	for (i = 0; i < BTFIDS_OUT_NR; i++) {
		free(paths[i]);
		paths[i] = NULL;
	}
}

/* The file offset and size of the one .BTF_ids of the ELF image @img. */
static int find_ids_section(struct btfids_log *lg, const char *path, void *img, size_t size,
			    size_t *off, size_t *len)
{
	struct btfids_elf ef;
	const GElf_Shdr *sh = &ef.ids_shdr;
	int err;

	err = btfids_elf_open_memory(lg, path, img, size, &ef);
	if (!err && !ef.ids_scn) {
		btfids_error(lg, path, "no section %s", BTF_IDS_SECTION);
		err = -ENOENT;
	} else if (!err && (sh->sh_type == SHT_NOBITS || (sh->sh_flags & SHF_COMPRESSED))) {
		btfids_error(lg, path, "section %s has no bytes in the file to patch",
			     BTF_IDS_SECTION);
		err = -EINVAL;
	}
	if (!err) {
		*off = sh->sh_offset;
		*len = sh->sh_size;
	}
	btfids_elf_close(&ef);
	return err;
}

int btfids_patch_elf(struct btfids_log *lg, const char *elf_path, const char *blob_path)
{
	struct btfids_file_out out = { .path = elf_path };
	void *img = NULL, *blob = NULL;
	size_t img_size, blob_size, off, len;
	struct stat st;
	int err;

	err = btfids_read_file(lg, elf_path, &img, &img_size);
	if (!err)
		err = btfids_read_file(lg, blob_path, &blob, &blob_size);
	if (!err)
		err = find_ids_section(lg, elf_path, img, img_size, &off, &len);
	if (!err && len != blob_size) {
		btfids_error(lg, elf_path, "section %s is %zu bytes, %s is %zu bytes",
			     BTF_IDS_SECTION, len, blob_path, blob_size);
		err = -EINVAL;
	}
	if (!err && stat(elf_path, &st))
		err = -errno;
	if (!err) {
		memcpy((char *)img + off, blob, len);
		out.data = img;
		out.size = img_size;
		out.mode = st.st_mode & 07777;
		err = btfids_write_set(lg, &out, 1);
	}
	free(blob);
	free(img);
	return btfids_failed(lg, 0, elf_path, err);
}
