// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * load.c - stage 2: the input BTF. Either parsed from files (raw BTF or the
 * .BTF section of an ELF, split on top of an optional base), or borrowed
 * from a host that has just encoded it.
 *
 * Takes file names, or the host's BTF; hands on the BTF and its base
 * (load.h), owned by the caller when loaded from files.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/btf.h>

#include "edit.h"
#include "file.h"
#include "load.h"

/* libbpf would block on a FIFO: let only regular files through. */
static int check_regular(struct btfids_log *lg, const char *path)
{
	struct stat st;
	int fd, err;

	err = btfids_open_regular(lg, path, &fd, &st);
	if (!err)
		close(fd);
	return err;
}

static int load_err(struct btfids_log *lg, const char *what, const char *path, int err)
{
	btfids_error(lg, path, "cannot load %s: %s", what, strerror(-err));
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
int btfids_check_base_fits(struct btfids_log *lg, const char *path, const struct btf *btf,
			   const char *base_path, const struct btf *base)
{
	__u32 id, n = btf__type_cnt(btf), len, off;
	const char *strs;
	int err;

	err = btfids_edit_check(btf);
	if (err) {
		btfids_error(lg, path, "cannot read the split BTF: %s", btfids_edit_strerror(err));
		return err;
	}
	if (btf__endianness(base) != btf__endianness(btf)) {
		btfids_error(lg, path, "split BTF and base %s differ in byte order", base_path);
		return -EINVAL;
	}
	err = btfids_edit_strings_of(base, &strs, &len);
	if (err) {
		btfids_error(lg, base_path, "cannot read the base BTF: %s", btfids_edit_strerror(err));
		return err;
	}
	for (id = btf__type_cnt(base); id < n; id++) {
		off = misplaced_name(strs, len, btf__type_by_id(btf, id));
		if (off) {
			btfids_error(lg, path, "type [%u] names offset %u, inside a string of base %s: built on another base?",
				     id, off, base_path);
			return -EINVAL;
		}
	}
	return 0;
}

int btfids_load_files(struct btfids_log *lg, const char *path, const char *base_path,
		      struct btf **btfp, struct btf **basep)
{
	struct btf *base = NULL, *btf;
	int err;

	err = check_regular(lg, path);
	if (!err && base_path)
		err = check_regular(lg, base_path);
	if (err)
		return err;
	if (base_path) {
		base = btf__parse(base_path, NULL);
		if (!base)
			return load_err(lg, "base BTF", base_path, -errno);
	}
	btf = btf__parse_split(path, base);
	if (!btf) {
		err = -errno;
		btf__free(base);
		return load_err(lg, base ? "split BTF" : "BTF", path, err);
	}
	err = base ? btfids_check_base_fits(lg, path, btf, base_path, base) : 0;
	if (err) {
		btf__free(btf);
		btf__free(base);
		return err;
	}
	*btfp = btf;
	*basep = base;
	return 0;
}

int btfids_check_host_btf(struct btfids_log *lg, const char *path, const struct btf *btf,
			  const struct btf *base)
{
	if (!btf || btf__base_btf(btf) != base) {
		btfids_error(lg, path, "the input BTF is not split on the base given");
		return -EINVAL;
	}
	return 0;
}

struct btf *btfids_copy_btf(struct btfids_log *lg, const char *path, const struct btf *btf)
{
	const void *raw;
	struct btf *copy;
	__u32 size;

	raw = btf__raw_data(btf, &size);
	copy = raw ? btf__new_split((void *)raw, size, (struct btf *)btf__base_btf(btf)) : NULL;
	if (!copy)
		btfids_error(lg, path, "cannot copy the BTF: %s", strerror(errno ? errno : ENOMEM));
	return copy;
}
