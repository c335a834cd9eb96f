// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * driver.c - the context and the pipeline: the only place that holds what
 * every stage produces and hands each its inputs.
 *
 *   collect    ELF path                    -> placeholders,  (collect.h)
 *                                             release        (release.h)
 *   load       BTF files, or the host's    -> btf, base      (load.h)
 *   transform  placeholders, btf           -> edit           (transform.h:
 *                                             kfuncs from tags, 7.2; or
 *                                             kfuncs.h: from the sets on
 *                                             a libbpf copy; dedup.h)
 *   finalize   edit                        -> final layout   (finalize.h)
 *   resolve    placeholders, final layout  -> resolved words (resolve.h)
 *   emit       resolved words              -> .BTF_ids bytes (emit.h)
 *
 * and the output files, written as one set (file.h). Every public call
 * reports its failure once: through the stage that failed, or here
 * (btfids_failed()) when that had nothing to say.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "btfids.h"
#include "collect.h"
#include "dedup.h"
#include "emit.h"
#include "file.h"
#include "finalize.h"
#include "kfuncs.h"
#include "load.h"
#include "log.h"
#include "release.h"
#include "resolve.h"
#include "transform.h"

struct btfids {
	struct btfids_opts opts;
	struct btfids_log log;
	char *elf_path;
	char *btf_path;			/* where the input BTF came from, for messages */
	char *kernel;			/* opts.kernel, copied */

	bool collected;
	int collect_err;		/* what collecting gave, for every later call */
	struct btfids_placeholders ph;

	struct btf *btf;		/* the input BTF ... */
	struct btf *base;		/* ... and its base */
	bool own_btf;			/* loaded from files: ours to free */
	bool host_deduped;		/* the host's, lent: btf__dedup() output */

	struct btf *work;		/* the BTF that kfuncs.c changes: btf itself,
					 * or a copy of the host's */
	bool own_work;			/* a copy: ours to free */
	unsigned int kfunc_warnings;

	bool ran;
	struct btfids_edit edit;
	struct btfids_final final;
	struct btfids_resolved resolved;
	void *ids_out;			/* .BTF_ids in the target's byte order */
	struct btf *final_btf;		/* parsed on demand for btfids__btf() */

	struct btfids_file_out pending[BTFIDS_OUT_NR];	/* prepared, not committed */
	__u32 nr_pending;
};

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
	if (b->opts.kernel) {
		b->opts.kernel = b->kernel = strdup(b->opts.kernel);
		if (!b->kernel) {
			free(b->elf_path);
			b->elf_path = NULL;
		}
	}
	if (!b->elf_path) {
		free(b);
		return NULL;
	}
	return b;
}

static void drop_pending(struct btfids *b)
{
	__u32 i;

	for (i = 0; i < b->nr_pending; i++) {
		btfids_out_drop(&b->pending[i]);
		free((char *)b->pending[i].path);
	}
	b->nr_pending = 0;
}

void btfids__free(struct btfids *b)
{
	if (!b)
		return;
	drop_pending(b);
	btf__free(b->final_btf);
	free(b->ids_out);
	btfids_resolved_free(&b->resolved);
	btfids_final_free(&b->final);
	btfids_edit_free(&b->edit);
	if (b->own_work)
		btf__free(b->work);
	if (b->own_btf) {
		btf__free(b->btf);
		btf__free(b->base);
	}
	btfids_placeholders_free(&b->ph);
	free(b->btf_path);
	free(b->kernel);
	free(b->elf_path);
	free(b);
}

int btfids__collect(struct btfids *b)
{
	unsigned int before = b->log.nr_errors;

	if (!b->collected) {
		b->collected = true;
		b->collect_err = btfids_failed(&b->log, before, b->elf_path,
					       btfids_collect(&b->log, b->elf_path,
							      BTFIDS_RELEASE_FINISH, b->opts.kernel,
							      &b->ph));
	}
	return b->collect_err;
}

const char *btfids__kernels(void)
{
	return btfids_release_list();
}

bool btfids__kernel_implemented(const char *kernel)
{
	int major, minor;

	const struct btfids_release *r;

	r = btfids_release_parse(kernel, &major, &minor) ? NULL : btfids_release_find(major, minor);
	return r && btfids_release_finishable(r);
}

const char *btfids__kernel(const struct btfids *b)
{
	return b->ph.release ? b->ph.release->name : NULL;
}

/* The file the messages about the input BTF name. */
static int set_btf_path(struct btfids *b, const char *path)
{
	free(b->btf_path);	/* from a load that failed, if any */
	b->btf_path = strdup(path);
	return b->btf_path ? 0 : -ENOMEM;
}

static int has_no_btf(struct btfids *b, const char *path)
{
	if (!b->btf)
		return 0;
	btfids_error(&b->log, path, "the context already has its input BTF");
	return -EBUSY;
}

int btfids__load_btf(struct btfids *b, const char *btf_path, const char *base_path)
{
	const char *path = btf_path ? btf_path : b->elf_path;
	unsigned int before = b->log.nr_errors;
	int err;

	err = has_no_btf(b, path);
	if (!err)
		err = set_btf_path(b, path);
	if (!err)
		err = btfids_load_files(&b->log, path, base_path, &b->btf, &b->base);
	b->own_btf = !err;
	return btfids_failed(&b->log, before, path, err);
}

/* BTF from the host: messages name the ELF object it was encoded from. */
int btfids__set_btf(struct btfids *b, struct btf *btf, const struct btf *base)
{
	unsigned int before = b->log.nr_errors;
	int err;

	err = has_no_btf(b, b->elf_path);
	if (!err)
		err = btfids_check_host_btf(&b->log, b->elf_path, btf, base);
	if (!err)
		err = set_btf_path(b, b->elf_path);
	if (!err) {
		b->btf = btf;
		/* only read: libbpf takes a split BTF's base non-const, never changes it */
		b->base = (struct btf *)base;
		b->own_btf = false;
	}
	return btfids_failed(&b->log, before, b->elf_path, err);
}

int btfids__set_deduped_btf(struct btfids *b, struct btf *btf, const struct btf *base)
{
	int err = btfids__set_btf(b, btf, base);

	b->host_deduped = !err;
	return err;
}

/*
 * The BTF kfuncs.c changes: the loaded one, or the host's when the host
 * lent it (btfids__set_deduped_btf()) in the host's byte order; else a
 * copy of the host's (libbpf then keeps the byte order it read).
 */
static int take_work(struct btfids *b)
{
	if (b->own_btf || (b->host_deduped && !btfids_btf_swapped(b->btf))) {
		b->work = b->btf;
		return 0;
	}
	b->work = btfids_copy_btf(&b->log, b->btf_path, b->btf);
	if (!b->work)
		return -ENOMEM;
	b->own_work = true;
	return 0;
}

/* The edit's BTF made a libbpf BTF of ours (7.2's rules with a dedup). */
static int materialize(struct btfids *b)
{
	void *raw;
	__u32 size;
	int err;

	err = btfids_edit_write_raw(&b->edit, NULL, &raw, &size);
	if (!err) {
		b->work = btf__new_split(raw, size, b->base);
		err = b->work ? 0 : -errno ? -errno : -ENOMEM;
		free(raw);
	}
	if (err) {
		btfids_error(&b->log, b->btf_path, "cannot deduplicate the BTF: %s", strerror(-err));
		return err;
	}
	b->own_work = true;
	btfids_edit_free(&b->edit);
	return 0;
}

/* Linux 7.3's btf2btf (kfuncs.c), on the BTF the pass owns. */
static int kfuncs_stage(struct btfids *b)
{
	/* a header edit.c refuses, libbpf can mishandle once it changes the BTF */
	int err = btfids_edit_check(b->btf);

	if (err) {
		btfids_error(&b->log, b->btf_path, "cannot edit the BTF: %s",
			     btfids_edit_strerror(err));
		return err;
	}
	err = take_work(b);
	return err ? err : btfids_kfuncs_transform(&b->log, b->btf_path, b->ph.release, &b->ph,
						   b->work, &b->kfunc_warnings);
}

/* The release's dedup; the deduplicated copy of a lent BTF replaces the work. */
static int dedup(struct btfids *b)
{
	struct btf *work = b->work;
	int err;

	err = btfids_dedup(&b->log, b->btf_path, b->host_deduped, &work);
	if (err || work == b->work)
		return err;
	if (b->own_work)
		btf__free(b->work);
	b->work = work;
	b->own_work = true;
	return 0;
}

/* Stage 3: the release's btf2btf, and its dedup; the edit for finalize. */
static int transform(struct btfids *b)
{
	const struct btfids_release *r = b->ph.release;
	int err;

	if (r->kfuncs == BTFIDS_KFUNCS_FROM_TAGS) {
		err = btfids_transform(&b->log, b->btf_path, &b->ph, b->btf, &b->edit);
		if (err || !r->dedup)
			return err;
		err = materialize(b);
	} else {
		err = kfuncs_stage(b);
	}
	if (!err && r->dedup)
		err = dedup(b);
	if (err)
		return err;
	err = btfids_edit_init(&b->edit, b->work);
	if (err)
		btfids_error(&b->log, b->btf_path, "cannot edit the BTF: %s",
			     btfids_edit_strerror(err));
	return err;
}

static int run_stages(struct btfids *b)
{
	struct btfids_log *lg = &b->log;
	int err;

	err = btfids__collect(b);
	if (!err)
		err = transform(b);
	if (!err)
		err = btfids_finalize(lg, b->btf_path, &b->edit, b->opts.distill_base, &b->final);
	if (err || !b->ph.has_ids)
		return err;
	err = btfids_resolve(lg, b->elf_path, b->btf_path, &b->ph, &b->final, &b->resolved);
	if (!err && b->resolved.size)
		err = btfids_emit_ids(b->resolved.words, b->resolved.size, b->ph.swap, &b->ids_out);
	return err;
}

int btfids__run(struct btfids *b)
{
	unsigned int before = b->log.nr_errors;
	int err;

	if (!b->btf) {
		btfids_error(&b->log, b->elf_path, "no input BTF");
		return -EINVAL;
	}
	if (b->ran) {
		btfids_error(&b->log, b->elf_path, "the pass has run on this context already");
		return -EBUSY;
	}
	b->ran = true;
	err = run_stages(b);
	return btfids_failed(&b->log, before, b->btf_path, err);
}

/* The base the final BTF is split on: the distilled one, or the input's. */
struct btf *btfids__base_btf(const struct btfids *b)
{
	return b->final.distilled ? b->final.base : b->base;
}

struct btf *btfids__btf(struct btfids *b)
{
	if (!b->final_btf && b->final.raw)
		b->final_btf = btf__new_split(b->final.raw, b->final.raw_size,
					      btfids__base_btf(b));
	return b->final_btf;
}

unsigned int btfids__warnings(const struct btfids *b)
{
	return b->kfunc_warnings + b->resolved.warnings;
}

const void *btfids__output(struct btfids *b, enum btfids_output which, size_t *size)
{
	const void *data = NULL;
	size_t sz = 0;

	switch (which) {
	case BTFIDS_OUT_BTF:
		data = b->final.raw;
		sz = b->final.raw_size;
		break;
	case BTFIDS_OUT_BTF_BASE:
		data = b->final.base_raw;
		sz = b->final.base_raw_size;
		break;
	case BTFIDS_OUT_BTF_IDS:
		data = b->ids_out;
		sz = b->resolved.size;
		break;
	default:
		break;
	}
	*size = data ? sz : 0;
	return data;
}

/* Output @which of the run to a temporary beside @path, kept pending. */
static int prepare_output(struct btfids *b, enum btfids_output which, const char *path)
{
	struct btfids_file_out *out = &b->pending[b->nr_pending];
	const void *data;
	size_t size;

	data = btfids__output(b, which, &size);
	if (!data && which == BTFIDS_OUT_BTF) {
		btfids_error(&b->log, b->elf_path, "no final BTF to write");
		return -EINVAL;
	}
	if (!data)
		return 0;
	if (b->nr_pending == BTFIDS_OUT_NR) {
		btfids_error(&b->log, path, "more outputs prepared than the run has");
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
	return btfids_out_prepare(&b->log, out);
}

int btfids__prepare_output(struct btfids *b, enum btfids_output which, const char *path)
{
	unsigned int before = b->log.nr_errors;
	int err;

	if (which >= BTFIDS_OUT_NR)
		return -EINVAL;
	err = prepare_output(b, which, path);
	if (err)
		drop_pending(b);
	return btfids_failed(&b->log, before, path, err);
}

int btfids__commit(struct btfids *b)
{
	unsigned int before = b->log.nr_errors;
	__u32 i;
	int err = 0;

	for (i = 0; !err && i < b->nr_pending; i++)
		err = btfids_out_commit(&b->log, &b->pending[i]);
	drop_pending(b);
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

	err = btfids_output_paths(btf_path, paths);
	for (i = 0; !err && i < BTFIDS_OUT_NR; i++)
		err = prepare_output(b, i, paths[i]);
	btfids_output_paths_free(paths);
	if (err) {
		drop_pending(b);
		return btfids_failed(&b->log, before, btf_path, err);
	}
	return btfids__commit(b);
}

int btfids__write(struct btfids *b, const char *prefix)
{
	unsigned int before = b->log.nr_errors;
	char *btf_path;
	int err;

	if (asprintf(&btf_path, "%s%s", prefix, btfids_output_suffix(BTFIDS_OUT_BTF)) < 0)
		return btfids_failed(&b->log, before, prefix, -ENOMEM);
	err = btfids__write_named(b, btf_path);
	free(btf_path);
	return err;
}

/* --- public calls that wrap one stage's --- */

const char *btfids__output_suffix(enum btfids_output which)
{
	return btfids_output_suffix(which);
}

int btfids__patch_elf(const char *elf_path, const char *blob_path, const struct btfids_opts *opts)
{
	struct btfids_log lg = { .opts = opts };

	return btfids_patch_elf(&lg, elf_path, blob_path);
}

int btfids__error(const struct btfids_opts *opts, const char *file, const char *fmt, ...)
{
	struct btfids_log lg = { .opts = opts };
	va_list args;

	va_start(args, fmt);
	btfids_verror(&lg, file, fmt, args);
	va_end(args);
	return -EINVAL;
}
