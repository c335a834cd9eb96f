/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * ids.h - a finished (or unresolved) object's .BTF_ids, read for the
 * commands that look at one (dump.c, verify.c): its slots outside sets
 * and its sets, by offset, with the library's stage-1 table behind them,
 * and the BTF their values are read against.
 */
#ifndef __BTFIDS_IDS_H
#define __BTFIDS_IDS_H

#include <stdbool.h>
#include <linux/types.h>

#include "collect.h"

struct btf;

/* One placeholder symbol outside sets: its offset, namespace and name. */
struct ids_slot {
	__u32 off;
	enum btfids_ns ns;
	const char *name;
};

/* One set or set8: its symbol, where its header is, its room. */
struct ids_group {
	__u32 off;
	enum btfids_sym_kind kind;
	const char *name;
	__u32 room;		/* entries the symbol's size has room for */
};

struct ids_object {
	const char *elf_path;
	struct btfids_placeholders ph;
	struct btf *btf;	/* NULL: values only; its base is the caller's */
	struct ids_slot *slots;	/* by offset, then name */
	__u32 nr_slots, cap_slots;
	struct ids_group *groups;	/* by offset */
	__u32 nr_groups, cap_groups;
};

/* What an id names in the object's BTF. */
struct ids_named {
	const char *kind;	/* NULL: no type of that id (or no BTF) */
	const char *name;
};

extern const char *const ids_ns_names[BTFIDS_NS_NR];
extern const char *const ids_set8_names[32];

/* One line "btfids: FILE: WHAT"; -EINVAL. */
int ids_error(const char *file, const char *what);
/* Base BTF from @path (raw or ELF), or NULL after an error line. */
struct btf *ids_parse_base(const char *path);

/*
 * .BTF_ids of @elf_path; without one, an error if @need_ids, else empty.
 * With @release, the object's release is chosen too (o->ph.release;
 * opts->kernel names one), and one the pass does not know is an error.
 */
int ids_read(struct ids_object *o, const struct btfids_opts *opts, const char *elf_path,
	     bool need_ids, bool release);
/*
 * Its BTF: @btf_path, else the ELF's .BTF, split on @base when not NULL.
 * Without @btf_path and @base, an object without a .BTF section is read
 * values only; any other failure is an error line.
 */
int ids_load_btf(struct ids_object *o, const char *btf_path, struct btf *base);
void ids_free(struct ids_object *o);

const char *ids_kind_name(__u32 kind);
/* The word at byte @off; false when it is not inside the section. */
bool ids_word(const struct ids_object *o, __u32 off, __u32 *v);
struct ids_named ids_type(const struct ids_object *o, __u32 id);
/* ok, unresolved (0), unchecked (no BTF) or mismatch: another kind or name */
const char *ids_slot_status(const struct ids_object *o, const struct ids_slot *s, __u32 v);
/* Is @off inside a group's entries (per the count its header holds)? */
bool ids_in_group(const struct ids_object *o, __u32 off);

#endif /* __BTFIDS_IDS_H */
