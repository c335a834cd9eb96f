/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * btfids_internal.h - the data the stages of the pass hand to each other.
 *
 *   collect.c   ELF -> placeholder table (struct btfids_names) + .BTF_ids words
 *   load.c      files or host objects -> struct btf (+ base)
 *   transform.c KF_IMPLICIT_ARGS kfunc prototypes
 *   finalize.c  distilled base, types sorted by name
 *   resolve.c   placeholder names -> BTF ids, written into the words
 *   emit.c      output bytes and atomic files
 *
 * Shared helpers: names.c (the placeholder table), log.c (reporting),
 * file.c (whole-file reads and atomic writes).
 */
#ifndef __BTFIDS_INTERNAL_H
#define __BTFIDS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/btf.h>
#include <linux/types.h>

#include "btfids.h"

/* The words of a set8 kfunc entry carry KF_* flags; this one is ours. */
#define KF_IMPLICIT_ARGS	(1U << 16)
/* Longest name resolve_btfids accepts, terminator included (KSYM_NAME_LEN). */
#define BTFIDS_NAME_MAX		512

/*
 * Placeholder namespaces, in the order resolve_btfids patches them. Sets and
 * set8s share one namespace: a name may be either, once.
 */
enum btfids_ns {
	BTFIDS_NS_STRUCT,
	BTFIDS_NS_UNION,
	BTFIDS_NS_TYPEDEF,
	BTFIDS_NS_FUNC,
	BTFIDS_NS_SET,
	BTFIDS_NS_NR,
};

enum btfids_sym_kind {
	BTFIDS_SYM_ID,		/* one BTF id per address */
	BTFIDS_SYM_SET,		/* u32 cnt, u32 ids[cnt] */
	BTFIDS_SYM_SET8,	/* u32 cnt, u32 flags, {u32 id, u32 flags}[cnt] */
};

/* One placeholder name and every .BTF_ids offset that refers to it. */
struct btfids_sym {
	char *name;
	enum btfids_sym_kind kind;
	__u32 id;		/* resolved BTF id (0: unresolved) */
	__u32 cnt;		/* sets: entries, from the symbol size */
	__u32 hash;		/* of the name, for the index */
	__u32 nr_offs;
	__u32 cap_offs;
	__u32 *offs;		/* byte offsets into .BTF_ids */
};

/* The placeholders of one namespace: an array and a hash index over it. */
struct btfids_names {
	struct btfids_sym *syms;
	__u32 nr;
	__u32 cap;
	__u32 *slots;		/* open addressing: sym index + 1, 0 = empty */
	__u32 nr_slots;		/* power of two */
	__u32 nr_elf_syms;	/* ELF symbols seen, duplicates included */
	__u64 filter[64 * 256 / 64];	/* (length % 64, first byte) of the names */
};

/*
 * The BTF header as this pass knows it: Linux 7.2's (uapi linux/btf.h),
 * defined here so that neither an older nor a newer host header changes
 * what is read or written. Every BTF has the fields up to str_len
 * (BTF_HDR_LEN_BASE bytes); a header of BTF_HDR_LEN_LAYOUT bytes or more
 * also locates the optional layout section (libbpf >= 1.8), which lies
 * between the types and the strings: one BTF_LAYOUT_ENTRY_SIZE entry per
 * kind (u8 info_sz, u8 elem_sz, u16 flags).
 */
struct btfids_btf_hdr {
	__u16 magic;
	__u8 version;
	__u8 flags;
	__u32 hdr_len;
	__u32 type_off;
	__u32 type_len;
	__u32 str_off;
	__u32 str_len;
	__u32 layout_off;
	__u32 layout_len;
};

#define BTF_HDR_LEN_BASE	24
#define BTF_HDR_LEN_LAYOUT	32
#define BTF_LAYOUT_ENTRY_SIZE	4

/*
 * The BTF under edit (edit.c): libbpf's parsed BTF, read-only, plus
 * appended types and strings and changed type references.
 */
struct btf_edit {
	const struct btf *btf;
	struct btfids_btf_hdr hdr;	/* input header, host byte order */
	const void *layout;		/* input layout section, or NULL */
	bool swap;			/* the BTF's byte order is not the host's */
	__u32 start_id;			/* first own type id (1 without a base) */
	__u32 nr_orig;			/* btf__type_cnt() of the input */
	const char *strs;		/* own strings of the input */
	const char *base_strs;
	__u32 base_strs_len;
	__u32 start_str_off;		/* = base_strs_len */

	struct btfids_names plan;	/* strings to add: id/cnt = offset + 1 */
	char *new_strs;
	__u32 new_strs_len, cap_strs;
	__u8 *new_types;
	__u32 new_types_len, cap_types;
	__u32 *new_offs;		/* appended type i at new_types + new_offs[i] */
	__u32 nr_new, cap_new;
	struct btf_type *patches;	/* changed copies of input types */
	__u32 nr_patches, cap_patches;
	__u32 *patch_of;		/* input id -> patch index + 1, 0: none */
};

/* One file of an output set: written to TMP first, renamed to PATH. */
struct btfids_file_out {
	const char *path;
	const void *data;
	size_t size;
	int mode;		/* of a new file, before the umask */
	char *tmp;		/* set by btfids_write_set() */
};
/* Where a context's messages go, and how many errors it has reported. */
struct btfids_log {
	const struct btfids_opts *opts;
	unsigned int nr_errors;
};

struct btfids {
	struct btfids_opts opts;
	struct btfids_log log;
	char *elf_path;
	char *btf_path;		/* where the input BTF came from, for messages */

	/* collect */
	bool collected;
	int collect_err;	/* what collecting gave, for every later call */
	bool has_ids;		/* .BTF_ids and a symbol table were found */
	bool swap;		/* target byte order differs from ours */
	__u32 *words;		/* .BTF_ids contents, native byte order */
	size_t ids_size;	/* bytes */
	struct btfids_names names[BTFIDS_NS_NR];

	/* load */
	struct btf *btf;
	struct btf *base;
	bool own_btf;		/* btf/base are ours to free */

	/* transform */
	struct btf_edit edit;

	/* finalize */
	bool distilled;
	__u32 *order;		/* order[i]: edit id of final id edit.start_id + i */
	void *btf_raw;		/* final BTF, the input's byte order */
	__u32 btf_raw_size;
	struct btf *final_btf;	/* parsed on demand for btfids__btf() */

	/* resolve */
	unsigned int warnings;

	/* emit */
	void *ids_out;		/* .BTF_ids in target byte order */
	const void *base_raw;	/* the distilled base's bytes (libbpf's) */
	__u32 base_raw_size;
	struct btfids_file_out pending[BTFIDS_OUT_NR];	/* prepared, not committed */
	__u32 nr_pending;
};

/* log.c */
__attribute__((format(printf, 3, 4)))
void btfids_log(const struct btfids_opts *opts, enum btfids_log_level level,
		const char *fmt, ...);
/* "btfids: FILE: " + the message + "\n", counted as one error */
__attribute__((format(printf, 3, 4)))
void btfids_error(struct btfids_log *lg, const char *file, const char *fmt, ...);
/* @err, after reporting it for @file if nothing was since @before */
int btfids_failed(struct btfids_log *lg, unsigned int before, const char *file, int err);
#define btfids_err(b, file, ...)  btfids_error(&(b)->log, file, __VA_ARGS__)
#define pr_warn(b, ...)	  btfids_log(&(b)->opts, BTFIDS_LOG_WARN, __VA_ARGS__)
#define pr_debug(b, ...)  btfids_log(&(b)->opts, BTFIDS_LOG_DEBUG, __VA_ARGS__)

/* names.c */
int btfids_grow(void *arrayp, __u32 *cap, __u32 want, size_t elem_size);
struct btfids_sym *btfids_names_find(const struct btfids_names *n, const char *name);
struct btfids_sym *btfids_names_add(struct btfids_names *n, const char *name,
				    size_t len, bool *added);
int btfids_sym_add_off(struct btfids_sym *s, __u32 off);
__u32 *btfids_names_sorted_desc(const struct btfids_names *n);
void btfids_names_free(struct btfids_names *n);

/* file.c */
struct stat;
int btfids_open_regular(struct btfids_log *lg, const char *path, int *fdp, struct stat *st);
int btfids_read_file(struct btfids_log *lg, const char *path, void **data, size_t *size);
/* @out's bytes to a new temporary beside its destination (out->tmp). */
int btfids_out_prepare(struct btfids_log *lg, struct btfids_file_out *out);
/* The prepared temporary renamed over the destination. */
int btfids_out_commit(struct btfids_log *lg, struct btfids_file_out *out);
/* A temporary not committed, removed. */
void btfids_out_drop(struct btfids_file_out *out);
/* All of @outs or none: temporaries first, then the renames. */
int btfids_write_set(struct btfids_log *lg, struct btfids_file_out *outs, size_t nr);

/* edit.c */
int edit_init(struct btf_edit *e, const struct btf *btf);
/* Is @btf's header one edit_init() can work with? 0 or its error. */
int edit_check(const struct btf *btf);
/* What an error of edit_init() or edit_strings_of() means, for a message. */
const char *edit_strerror(int err);
int edit_strings_of(const struct btf *btf, const char **strs, __u32 *len);
void edit_free(struct btf_edit *e);
__u32 edit_type_cnt(const struct btf_edit *e);
const struct btf_type *edit_type(const struct btf_edit *e, __u32 id);
const char *edit_name(const struct btf_edit *e, __u32 off);
int edit_set_type(struct btf_edit *e, __u32 id, __u32 type);
int edit_plan_str(struct btf_edit *e, const char *s);
int edit_index_planned(struct btf_edit *e);
int edit_add_func(struct btf_edit *e, const char *name, int linkage, __u32 proto);
int edit_add_decl_tag(struct btf_edit *e, const char *value, __u32 ref, int component,
		      bool attr);
int edit_add_func_proto(struct btf_edit *e, __u32 ret);
int edit_add_func_param(struct btf_edit *e, const char *name, __u32 type);
int edit_write_raw(const struct btf_edit *e, const __u32 *order, void **raw, __u32 *size);

/* emit.c: outputs prepared and not committed, removed */
void btfids_drop_pending(struct btfids *b);

/* stages */
int btfids_collect(struct btfids *b);
int btfids_transform(struct btfids *b);
int btfids_finalize(struct btfids *b);
int btfids_resolve(struct btfids *b);
int btfids_emit(struct btfids *b);

static inline __u32 btfids_bswap32(__u32 v)
{
	return __builtin_bswap32(v);
}

#endif /* __BTFIDS_INTERNAL_H */
