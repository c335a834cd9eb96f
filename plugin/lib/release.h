/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * release.h - which Linux release the pass finishes, and what each one's
 * resolve_btfids does. The kernel's tool changes between releases, and an
 * object finished with another release's rules is silently wrong, so the
 * pass always knows its release and refuses one it does not implement.
 *
 * Each release is one row of switches; the stages read the switches, never
 * the release's name. A new release is a new row plus the code for what is
 * new in it.
 */
#ifndef __BTFIDS_RELEASE_H
#define __BTFIDS_RELEASE_H

#include <stdbool.h>

#include "elf_sections.h"
#include "log.h"

/* Where the kfuncs that btf2btf works on are found. */
enum btfids_kfunc_source {
	/* FUNCs with a "bpf_kfunc" decl tag (pahole wrote it), flags from
	 * the set8 entry of their placeholder (transform.c) */
	BTFIDS_KFUNCS_FROM_TAGS,
	/* the entries of every BTF_SET8_KFUNCS set, each found by the
	 * placeholder symbol at its address (kfuncs.c) */
	BTFIDS_KFUNCS_FROM_SETS,
};

struct btfids_release {
	const char *name;		/* "7.3" */
	int major, minor;
	enum btfids_kfunc_source kfuncs;
	bool emit_kfunc_tags;		/* add "bpf_kfunc", and "bpf_fastcall" for KF_FASTCALL */
	bool arena_attrs;		/* address_space(1) on arena pointers */
	bool flags_must_agree;		/* one kfunc in two sets with other flags: an error */
	bool impl_own_only;		/* an existing <name>_impl is looked for in own types only */
	bool dedup;			/* btf__dedup() after btf2btf, before distilling */
	/*
	 * The oldest libbpf (major, minor) whose results are the kernel
	 * build's: 7.3's resolve_btfids links its tree's libbpf 1.8, and
	 * libbpf 1.7's btf__dedup() leaves a module's split BTF as pahole
	 * wrote it where 1.8 folds its repeats of vmlinux types into the base.
	 */
	int libbpf_major, libbpf_minor;
};

/* The rows, oldest first, and their number. */
extern const struct btfids_release btfids_releases[];
extern const unsigned int btfids_nr_releases;

/* "7.2, 7.3": the releases implemented, for messages. */
const char *btfids_release_list(void);

/* The row of MAJOR.MINOR, or NULL. */
const struct btfids_release *btfids_release_find(int major, int minor);

/*
 * MAJOR.MINOR at the start of @s ("7.3", "7.3.0-rc7", "7.2.13+deb14-cloud-amd64").
 * 0, or -EINVAL when @s does not start so.
 */
int btfids_release_parse(const char *s, int *major, int *minor);

/* Can the stages carry out @r's switches together? (A test checks every row.) */
bool btfids_release_consistent(const struct btfids_release *r);

/*
 * linux_banner as collect.c saw it while reading every symbol for the
 * placeholders, so that vmlinux's symbol table is read once.
 */
struct btfids_banner_sym {
	bool scanned;		/* every symbol was read */
	bool found;		/* and this is the first named linux_banner */
	__u32 shndx;
	__u64 value;
};

/*
 * The release @ef belongs to: @named if not NULL (the host's option), else
 * the BTFIDS_KERNEL environment variable if set and not empty, else what
 * the object says: a module's .modinfo "vermagic=", vmlinux's
 * linux_banner (where @seen says, if collect.c read the symbols; else
 * looked up). One that is not a row, or none found, is an error naming
 * what was found and the rows. With @finishing, a release this build's
 * libbpf cannot finish byte for byte is an error too (reading it is not).
 */
int btfids_release_choose(struct btfids_log *lg, const struct btfids_elf *ef, const char *named,
			  bool finishing, const struct btfids_banner_sym *seen,
			  const struct btfids_release **out);

/* Can this build finish @r (is the libbpf it runs new enough)? */
bool btfids_release_finishable(const struct btfids_release *r);

#endif /* __BTFIDS_RELEASE_H */
