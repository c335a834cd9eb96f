// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * btfids.c - the context and the pipeline: collect, transform, finalize,
 * resolve, emit. Each stage lives in a file of its own; this one only owns
 * the order and the lifetime of what they share.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "btfids_internal.h"

struct btfids *btfids__new(const char *elf_path, const struct btfids_opts *opts)
{
	struct btfids *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	if (opts)
		memcpy(&b->opts, opts, opts->sz < sizeof(b->opts) && opts->sz ?
		       opts->sz : sizeof(b->opts));
	b->opts.sz = sizeof(b->opts);
	b->log.opts = &b->opts;
	b->elf_path = strdup(elf_path);
	if (!b->elf_path) {
		free(b);
		return NULL;
	}
	return b;
}

void btfids__free(struct btfids *b)
{
	int i;

	if (!b)
		return;
	btfids_drop_pending(b);
	edit_free(&b->edit);
	btf__free(b->final_btf);
	free(b->order);
	free(b->btf_raw);
	if (b->own_btf) {
		btf__free(b->btf);
		btf__free(b->base);
	}
	for (i = 0; i < BTFIDS_NS_NR; i++)
		btfids_names_free(&b->names[i]);
	free(b->words);
	free(b->ids_out);
	free(b->btf_path);
	free(b->elf_path);
	free(b);
}

int btfids__collect(struct btfids *b)
{
	unsigned int before = b->log.nr_errors;

	if (!b->collected) {
		b->collected = true;
		b->collect_err = btfids_failed(&b->log, before, b->elf_path, btfids_collect(b));
	}
	return b->collect_err;
}

static int run_stages(struct btfids *b)
{
	int err;

	err = btfids__collect(b);
	if (!err)
		err = btfids_transform(b);
	if (!err)
		err = btfids_finalize(b);
	if (!err && b->has_ids)
		err = btfids_resolve(b);
	if (!err)
		err = btfids_emit(b);
	return err;
}

int btfids__run(struct btfids *b)
{
	unsigned int before = b->log.nr_errors;

	if (!b->btf) {
		btfids_err(b, b->elf_path, "no input BTF");
		return -EINVAL;
	}
	return btfids_failed(&b->log, before, b->btf_path, run_stages(b));
}

struct btf *btfids__btf(struct btfids *b)
{
	if (!b->final_btf && b->btf_raw)
		b->final_btf = btf__new_split(b->btf_raw, b->btf_raw_size, b->base);
	return b->final_btf;
}

struct btf *btfids__base_btf(const struct btfids *b)
{
	return b->base;
}

unsigned int btfids__warnings(const struct btfids *b)
{
	return b->warnings;
}
