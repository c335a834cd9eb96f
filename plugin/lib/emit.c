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

/*
 * The distilled base's bytes, laid out now: libbpf builds them on first use
 * and may fail to, which must fail the run rather than lose the output.
 */
static int emit_base(struct btfids *b)
{
	if (!b->distilled)
		return 0;
	b->base_raw = btf__raw_data(b->base, &b->base_raw_size);
	if (!b->base_raw) {
		btfids_err(b, b->btf_path, "cannot lay out the distilled base: %s",
			   strerror(errno));
		return -ENOMEM;
	}
	return 0;
}

int btfids_emit(struct btfids *b)
{
	__u32 i, nr = b->ids_size / sizeof(__u32);
	__u32 *out;
	int err;

	err = emit_base(b);
	if (err || !b->has_ids || !b->ids_size)
		return err;
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
		data = b->base_raw;
		sz = b->base_raw_size;
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

/* The output files named after the final BTF's: see btfids__write_named(). */
static int output_paths(const char *btf_path, char *paths[BTFIDS_OUT_NR])
{
	size_t len = strlen(btf_path);
	const char *suffix = output_suffix[BTFIDS_OUT_BTF];

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

static void free_paths(char *paths[BTFIDS_OUT_NR])
{
	int i;

	for (i = 0; i < BTFIDS_OUT_NR; i++)
		free(paths[i]);
}

/* Output @which of the run to a temporary beside @path, kept pending. */
static int prepare_output(struct btfids *b, enum btfids_output which, const char *path)
{
	struct btfids_file_out *out = &b->pending[b->nr_pending];
	const void *data;
	size_t size;
	int err;

	data = btfids__output(b, which, &size);
	if (!data && which == BTFIDS_OUT_BTF) {
		btfids_err(b, b->elf_path, "no final BTF to write");
		return -EINVAL;
	}
	if (!data)
		return 0;
	if (b->nr_pending == BTFIDS_OUT_NR) {
		btfids_err(b, path, "more outputs prepared than the run has");
		return -EINVAL;
	}
	memset(out, 0, sizeof(*out));
	out->path = strdup(path);
	if (!out->path)
		return -ENOMEM;
	out->data = data;
	out->size = size;
	out->mode = 0666;
	b->nr_pending++;
	err = btfids_out_prepare(&b->log, out);
	return err;
}

void btfids_drop_pending(struct btfids *b)
{
	__u32 i;

	for (i = 0; i < b->nr_pending; i++) {
		btfids_out_drop(&b->pending[i]);
		free((char *)b->pending[i].path);
	}
	b->nr_pending = 0;
}

int btfids__prepare_output(struct btfids *b, enum btfids_output which, const char *path)
{
	unsigned int before = b->log.nr_errors;
	int err;

	if (which >= BTFIDS_OUT_NR)
		return -EINVAL;
	err = prepare_output(b, which, path);
	if (err)
		btfids_drop_pending(b);
	return btfids_failed(&b->log, before, path, err);
}

int btfids__commit(struct btfids *b)
{
	unsigned int before = b->log.nr_errors;
	__u32 i;
	int err = 0;

	for (i = 0; !err && i < b->nr_pending; i++)
		err = btfids_out_commit(&b->log, &b->pending[i]);
	btfids_drop_pending(b);
	return btfids_failed(&b->log, before, b->elf_path, err);
}

int btfids__write_output(struct btfids *b, enum btfids_output which, const char *path)
{
	int err;

	err = btfids__prepare_output(b, which, path);
	return err ? err : btfids__commit(b);
}

int btfids__write_named(struct btfids *b, const char *btf_path)
{
	char *paths[BTFIDS_OUT_NR] = {};
	unsigned int before = b->log.nr_errors;
	int err, i;

	err = output_paths(btf_path, paths);
	for (i = 0; !err && i < BTFIDS_OUT_NR; i++)
		err = prepare_output(b, i, paths[i]);
	free_paths(paths);
	if (err) {
		btfids_drop_pending(b);
		return btfids_failed(&b->log, before, btf_path, err);
	}
	return btfids__commit(b);
}

int btfids__write(struct btfids *b, const char *prefix)
{
	unsigned int before = b->log.nr_errors;
	char *btf_path;
	int err;

	if (asprintf(&btf_path, "%s%s", prefix, output_suffix[BTFIDS_OUT_BTF]) < 0)
		return btfids_failed(&b->log, before, prefix, -ENOMEM);
	err = btfids__write_named(b, btf_path);
	free(btf_path);
	return err;
}

static int patch_shdr(struct btfids_log *lg, const char *path, Elf_Scn *scn, GElf_Shdr *sh)
{
	if (gelf_getshdr(scn, sh) != sh) {
		btfids_error(lg, path, "cannot read header of section %zu: %s",
			     elf_ndxscn(scn), elf_errmsg(-1));
		return -EINVAL;
	}
	return 0;
}

/* The one .BTF_ids of the ELF image @img: its file offset and size. */
static int find_ids_section(struct btfids_log *lg, const char *path,
			    void *img, size_t size, size_t *off, size_t *len)
{
	Elf_Scn *scn = NULL, *found = NULL;
	GElf_Shdr sh, ids = {};
	size_t shstrndx;
	Elf *elf;
	int err = 0;

	elf_version(EV_CURRENT);
	elf = elf_memory(img, size);
	if (!elf || elf_kind(elf) != ELF_K_ELF || elf_getshdrstrndx(elf, &shstrndx)) {
		btfids_error(lg, path, "not a readable ELF file: %s", elf_errmsg(-1));
		err = -EINVAL;
		goto out;
	}
	while (!err && (scn = elf_nextscn(elf, scn))) {
		const char *name;

		err = patch_shdr(lg, path, scn, &sh);
		if (err)
			break;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name) {
			btfids_error(lg, path, "cannot read the name of section %zu", elf_ndxscn(scn));
			err = -EINVAL;
		} else if (!strcmp(name, ".BTF_ids") && found) {
			btfids_error(lg, path, "two sections named .BTF_ids (%zu and %zu)",
				     elf_ndxscn(found), elf_ndxscn(scn));
			err = -EINVAL;
		} else if (!strcmp(name, ".BTF_ids")) {
			found = scn;
			ids = sh;
		}
	}
	if (!err && !found) {
		btfids_error(lg, path, "no section .BTF_ids");
		err = -ENOENT;
	}
	if (err)
		goto out;
	if (ids.sh_type == SHT_NOBITS || (ids.sh_flags & SHF_COMPRESSED) ||
	    ids.sh_offset > size || ids.sh_size > size - ids.sh_offset) {
		btfids_error(lg, path, "section .BTF_ids has no bytes in the file to patch");
		err = -EINVAL;
		goto out;
	}
	*off = ids.sh_offset;
	*len = ids.sh_size;
out:
	if (elf)
		elf_end(elf);
	return err;
}

int btfids__patch_elf(const char *elf_path, const char *blob_path,
		      const struct btfids_opts *opts)
{
	struct btfids_log lg = { .opts = opts };
	struct btfids_file_out out = { .path = elf_path };
	void *img = NULL, *blob = NULL;
	size_t img_size, blob_size, off, len;
	struct stat st;
	int err;

	err = btfids_read_file(&lg, elf_path, &img, &img_size);
	if (!err)
		err = btfids_read_file(&lg, blob_path, &blob, &blob_size);
	if (!err)
		err = find_ids_section(&lg, elf_path, img, img_size, &off, &len);
	if (!err && len != blob_size) {
		btfids_error(&lg, elf_path, "section .BTF_ids is %zu bytes, %s is %zu bytes",
			     len, blob_path, blob_size);
		err = -EINVAL;
	}
	if (!err && stat(elf_path, &st))
		err = -errno;
	if (!err) {
		memcpy((char *)img + off, blob, len);
		out.data = img;
		out.size = img_size;
		out.mode = st.st_mode & 07777;
		err = btfids_write_set(&lg, &out, 1);
	}
	free(blob);
	free(img);
	return btfids_failed(&lg, 0, elf_path, err);
}
