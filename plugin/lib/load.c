// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * load.c - stage 2: the input BTF. Either parsed from files (raw BTF or the
 * .BTF section of an ELF, split on top of an optional base), or borrowed
 * from a host that has just encoded it.
 *
 * Hands on: b->btf, b->base, b->own_btf.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/btf.h>

#include "btfids_internal.h"

/* libbpf would block on a FIFO: let only regular files through. */
static int check_regular(struct btfids *b, const char *path)
{
	struct stat st;
	int fd, err;

	err = btfids_open_regular(&b->log, path, &fd, &st);
	if (!err)
		close(fd);
	return err;
}

static int load_err(struct btfids *b, const char *what, const char *path, int err)
{
	btfids_err(b, path, "cannot load %s: %s", what, strerror(-err));
	return err;
}

/* @off names a base string's start: offset 0, or just after a NUL. */
static bool starts_base_string(const char *strs, __u32 off)
{
	return !off || !strs[off - 1];
}

/* A name, member, parameter or enumerator name of @t that does not. */
static __u32 misplaced_name(const char *strs, __u32 len, const struct btf_type *t)
{
	__u32 i, vlen = btf_vlen(t), off = t->name_off;

	if (off < len && !starts_base_string(strs, off))
		return off;
	for (i = 0; i < vlen; i++) {
		if (btf_is_composite(t))
			off = btf_members(t)[i].name_off;
		else if (btf_is_func_proto(t))
			off = btf_params(t)[i].name_off;
		else if (btf_is_enum(t))
			off = btf_enum(t)[i].name_off;
		else if (btf_is_enum64(t))
			off = btf_enum64(t)[i].name_off;
		else
			break;
		if (off < len && !starts_base_string(strs, off))
			return off;
	}
	return 0;
}

/*
 * Split BTF names strings of its base by offset. Loaded on another base,
 * they land inside that base's strings; libbpf checks only that they are
 * in range. Refuse a base with another byte order, or one whose strings
 * the split BTF's names do not start at.
 */
static int check_base_fits(struct btfids *b, const char *base_path)
{
	__u32 id, n = btf__type_cnt(b->btf), len, off;
	const char *strs;
	int err;

	err = edit_check(b->btf);
	if (err) {
		btfids_err(b, b->btf_path, "cannot read the split BTF: %s", edit_strerror(err));
		return err;
	}
	if (btf__endianness(b->base) != btf__endianness(b->btf)) {
		btfids_err(b, b->btf_path, "split BTF and base %s differ in byte order", base_path);
		return -EINVAL;
	}
	err = edit_strings_of(b->base, &strs, &len);
	if (err) {
		btfids_err(b, base_path, "cannot read the base BTF: %s", edit_strerror(err));
		return err;
	}
	for (id = btf__type_cnt(b->base); id < n; id++) {
		off = misplaced_name(strs, len, btf__type_by_id(b->btf, id));
		if (off) {
			btfids_err(b, b->btf_path, "type [%u] names offset %u, inside a string of base %s: built on another base?",
				id, off, base_path);
			return -EINVAL;
		}
	}
	return 0;
}

static int load_files(struct btfids *b, const char *path, const char *base_path)
{
	struct btf *base = NULL, *btf;
	int err;

	err = check_regular(b, path);
	if (!err && base_path)
		err = check_regular(b, base_path);
	if (err)
		return err;
	if (base_path) {
		base = btf__parse(base_path, NULL);
		if (!base)
			return load_err(b, "base BTF", base_path, -errno);
	}
	btf = btf__parse_split(path, base);
	if (!btf) {
		err = -errno;
		btf__free(base);
		return load_err(b, base ? "split BTF" : "BTF", path, err);
	}
	b->btf = btf;
	b->base = base;
	b->own_btf = true;
	return base ? check_base_fits(b, base_path) : 0;
}

/* The file the messages about the input BTF name. */
static int set_btf_path(struct btfids *b, const char *path)
{
	free(b->btf_path);	/* from a load that failed, if any */
	b->btf_path = strdup(path);
	return b->btf_path ? 0 : -ENOMEM;
}

int btfids__load_btf(struct btfids *b, const char *btf_path, const char *base_path)
{
	const char *path = btf_path ? btf_path : b->elf_path;
	unsigned int before = b->log.nr_errors;
	int err;

	if (b->btf) {
		btfids_err(b, path, "the context already has its input BTF");
		return -EBUSY;
	}
	err = set_btf_path(b, path);
	if (!err)
		err = load_files(b, path, base_path);
	return btfids_failed(&b->log, before, path, err);
}

/* BTF from the host: messages name the ELF object it was encoded from. */
int btfids__set_btf(struct btfids *b, struct btf *btf, struct btf *base)
{
	unsigned int before = b->log.nr_errors;

	if (b->btf) {
		btfids_err(b, b->elf_path, "the context already has its input BTF");
		return -EBUSY;
	}
	if (!btf || btf__base_btf(btf) != base) {
		btfids_err(b, b->elf_path, "the input BTF is not split on the base given");
		return -EINVAL;
	}
	if (set_btf_path(b, b->elf_path))
		return btfids_failed(&b->log, before, b->elf_path, -ENOMEM);
	b->btf = btf;
	b->base = base;
	b->own_btf = false;
	return 0;
}
