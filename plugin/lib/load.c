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

	err = btfids_open_regular(&b->opts, path, &fd, &st);
	if (!err)
		close(fd);
	return err;
}

static int load_err(struct btfids *b, const char *what, const char *path, int err)
{
	pr_err(b, "btfids: %s: cannot load %s: %s\n", path, what, strerror(-err));
	return err;
}

int btfids__load_btf(struct btfids *b, const char *btf_path, const char *base_path)
{
	struct btf *base = NULL, *btf;
	const char *path = btf_path ? btf_path : b->elf_path;
	int err;

	if (b->btf)
		return -EBUSY;
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
	b->btf_path = strdup(path);
	if (!b->btf_path) {
		btf__free(btf);
		btf__free(base);
		return -ENOMEM;
	}
	b->btf = btf;
	b->base = base;
	b->own_btf = true;
	return 0;
}

int btfids__set_btf(struct btfids *b, struct btf *btf, struct btf *base)
{
	if (b->btf)
		return -EBUSY;
	if (!btf || btf__base_btf(btf) != base)
		return -EINVAL;
	b->btf = btf;
	b->base = base;
	b->own_btf = false;
	return 0;
}
