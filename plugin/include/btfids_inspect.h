/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * btfids_inspect.h - public interface of libbtfids for looking at an
 * object, before or after it was finished: its .BTF_ids read as slots and
 * sets (what `btfids dump` prints) and the checks of its release's rules
 * (what `btfids verify` runs). A distribution's tool, the pahole plugin
 * after a build, or a test can use them as the command does:
 *
 *	o = btfids_object__open(elf_path, &opts, BTFIDS_OBJECT_NEED_IDS);
 *	btfids_object__load_btf(o, btf_path, base, base_path);
 *	for (i = 0; i < btfids_object__slot_cnt(o); i++) ...
 *	btfids_object__free(o);
 *
 *	btfids__verify(elf_path, &opts, &verify_opts, &result);
 *
 * Errors are reported as by btfids.h (one line through the log callback,
 * naming the file); calls return 0 or a negative errno, constructors NULL.
 */
#ifndef __BTFIDS_INSPECT_H
#define __BTFIDS_INSPECT_H

#include <stdbool.h>
#include <linux/types.h>

#include "btfids.h"

#ifdef __cplusplus
extern "C" {
#endif

struct btf;
struct btfids_object;

/* One placeholder symbol outside sets. */
struct btfids_slot {
	__u32 off;		/* byte offset into .BTF_ids */
	const char *ns;		/* "struct", "union", "typedef" or "func" */
	const char *name;
	__u32 btf_kind;		/* the BTF kind its value must name */
};

/* One set (u32 cnt, u32 ids[]) or set8 (u32 cnt, u32 flags, {u32 id, u32 flags}[]). */
struct btfids_set {
	__u32 off;		/* of its header */
	bool set8;
	const char *name;
	__u32 room;		/* entries its symbol's size has room for */
	__u32 entry_size;	/* bytes per entry, and of the header */
};

/* What an id names in the object's BTF; kind NULL: no such type (or no BTF). */
struct btfids_named {
	const char *kind;	/* "STRUCT", "FUNC", ... */
	const char *name;
};

enum btfids_object_flags {
	BTFIDS_OBJECT_NEED_IDS	= 1 << 0,	/* no .BTF_ids section is an error */
	BTFIDS_OBJECT_RELEASE	= 1 << 1,	/* find the object's release (opts->kernel) */
};

/* @elf_path's .BTF_ids; NULL after an error line (errno set). */
struct btfids_object *btfids_object__open(const char *elf_path, const struct btfids_opts *opts,
					  unsigned int flags);
/*
 * Its BTF: @btf_path (raw, or an ELF's .BTF), else the ELF's own .BTF,
 * split on @base when not NULL (the caller keeps @base; @base_path names it
 * in messages). Without @btf_path and @base, an object without .BTF is
 * read values only (btf() is NULL).
 */
int btfids_object__load_btf(struct btfids_object *o, const char *btf_path,
			    const struct btf *base, const char *base_path);
void btfids_object__free(struct btfids_object *o);

const char *btfids_object__path(const struct btfids_object *o);
const struct btf *btfids_object__btf(const struct btfids_object *o);
/* "7.3": the release it was read for (BTFIDS_OBJECT_RELEASE), else NULL */
const char *btfids_object__kernel(const struct btfids_object *o);
/* .BTF_ids bytes; 0 when it has none */
size_t btfids_object__ids_size(const struct btfids_object *o);

/* Slots outside and inside sets, by offset then name. */
__u32 btfids_object__slot_cnt(const struct btfids_object *o);
const struct btfids_slot *btfids_object__slot(const struct btfids_object *o, __u32 i);
/* Sets and set8s, by offset. */
__u32 btfids_object__set_cnt(const struct btfids_object *o);
const struct btfids_set *btfids_object__set(const struct btfids_object *o, __u32 i);

/* The word at byte @off of .BTF_ids (host order); false when outside it. */
bool btfids_object__word(const struct btfids_object *o, __u32 off, __u32 *v);
struct btfids_named btfids_object__type(const struct btfids_object *o, __u32 id);
/* "ok", "unresolved" (0), "unchecked" (no BTF) or "mismatch" (another kind or name) */
const char *btfids_object__slot_status(const struct btfids_object *o,
				       const struct btfids_slot *s, __u32 v);
/* Is @off inside a set's entries (per the count its header holds)? */
bool btfids_object__in_set(const struct btfids_object *o, __u32 off);

/* Names, by bit, of a set8 entry's KF_* flags and of a set8 header's flags; NULL: none. */
const char *btfids__kf_flag_name(unsigned int bit);
const char *btfids__set8_flag_name(unsigned int bit);
/* "STRUCT", "FUNC", ...; "?" for a kind BTF does not have */
const char *btfids__btf_kind_name(__u32 kind);

/* Base BTF from @path (raw, or an ELF's .BTF); NULL after an error line. */
struct btf *btfids__parse_base(const char *path, const struct btfids_opts *opts);

/* One problem or warning of btfids__verify(), about @elf: "slot 0x10 (...): ..." */
typedef void (*btfids_verify_report_fn)(void *ctx, const char *elf, bool problem,
					const char *what);

struct btfids_verify_opts {
	size_t sz;		/* sizeof(struct btfids_verify_opts) */
	const char *btf_path;	/* NULL: the ELF's own .BTF */
	struct btf *base;	/* NULL: not split (nor when the ELF is the base itself) */
	const char *base_path;	/* what @base was read from, for messages */
	btfids_verify_report_fn report;
	void *report_ctx;
};

struct btfids_verify_result {
	unsigned int problems;
	unsigned int warnings;
};

/*
 * Check @elf against what its release (opts->kernel, else its own) relies
 * on: slots name types of their kind and name; sets hold as many entries
 * as they have room for, ascending, without repeats; kfunc set8 entries
 * are FUNCs with what the release gives them (an <name>_impl for
 * KF_IMPLICIT_ARGS; from 7.3 decl tags and arena pointers); its own types
 * are sorted by name; split BTF fits its base. Each problem and warning
 * goes to @vo->report and is counted in @res. 0: checked (problems or
 * not); a negative errno: @elf could not be read (one error line).
 */
int btfids__verify(const char *elf, const struct btfids_opts *opts,
		   const struct btfids_verify_opts *vo, struct btfids_verify_result *res);

#ifdef __cplusplus
}
#endif

#endif /* __BTFIDS_INSPECT_H */
