/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * btfids.h - public interface of libbtfids, the BTF finishing pass.
 *
 * The pass takes the raw BTF that pahole encoded for an ELF object and the
 * `__BTF_ID__<kind>__<name>__<n>` placeholders of that object's .BTF_ids
 * section, and produces what a kernel build embeds: the final BTF (kernel
 * btf2btf transforms applied, types sorted by name), the distilled base BTF
 * for out-of-tree modules, and the resolved .BTF_ids data.
 *
 * Two kinds of host drive it: the `btfids` command, which loads everything
 * from files, and the pahole plugin, which hands over the BTF it has just
 * encoded. Both use the same calls:
 *
 *	b = btfids__new(elf_path, &opts);
 *	btfids__collect(b);                         (optional: run() does it)
 *	btfids__load_btf(b, btf_path, base_path);   or   btfids__set_btf(b, btf, base);
 *	btfids__run(b);
 *	btfids__write(b, out_prefix);               or   btfids__output(b, ...);
 *	btfids__free(b);
 *
 * Every call returns 0 or a negative errno; the reason has been reported
 * through the log callback, once, naming the file and the object at fault.
 * A context holds all state: there are no globals.
 */
#ifndef __BTFIDS_H
#define __BTFIDS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* This library's version (the command's --version, the plugin's; debian/changelog's) */
#define BTFIDS_VERSION	"0.1.0"

struct btf;
struct btfids;

enum btfids_log_level {
	BTFIDS_LOG_ERROR,	/* the pass failed */
	BTFIDS_LOG_WARN,	/* resolve_btfids-compatible warnings */
	BTFIDS_LOG_DEBUG,	/* -v */
	BTFIDS_LOG_DEBUG2,	/* -vv */
};

typedef void (*btfids_log_fn)(void *log_ctx, enum btfids_log_level level,
			      const char *fmt, va_list args);

struct btfids_opts {
	size_t sz;		/* sizeof(struct btfids_opts), for extension */
	int verbose;		/* 0: errors and warnings, 1+: debug output */
	bool distill_base;	/* distill the base BTF of split BTF */
	btfids_log_fn log;	/* NULL: print to stderr */
	void *log_ctx;
	/*
	 * The Linux release the object is finished for, "MAJOR.MINOR" (a
	 * release candidate or stable version counts as its release). NULL:
	 * the BTFIDS_KERNEL environment variable, else what the object says
	 * (vmlinux's linux_banner, a module's .modinfo vermagic). A release
	 * the pass does not implement, or none at all, fails the run.
	 */
	const char *kernel;
};

enum btfids_output {
	BTFIDS_OUT_BTF,		/* final BTF:             <prefix>.BTF      */
	BTFIDS_OUT_BTF_BASE,	/* distilled base BTF:    <prefix>.BTF.base */
	BTFIDS_OUT_BTF_IDS,	/* resolved .BTF_ids:     <prefix>.BTF_ids  */
	BTFIDS_OUT_NR,
};

/* Create a context for the ELF object at @elf_path (opened read-only). */
struct btfids *btfids__new(const char *elf_path, const struct btfids_opts *opts);
void btfids__free(struct btfids *b);

/*
 * Read the ELF object's .BTF_ids section and placeholder symbols, and
 * choose the release it is finished for (opts.kernel). An object without
 * .BTF_ids is fine (only the BTF is finished); one with .BTF_ids but no
 * symbol table is an error, and so is a release the pass does not
 * implement.
 */
int btfids__collect(struct btfids *b);

/*
 * Input BTF from files: @btf_path is raw BTF or an ELF with a .BTF section
 * (NULL: the .BTF section of the ELF object itself); @base_path, if not NULL,
 * is the base BTF of split BTF.
 */
int btfids__load_btf(struct btfids *b, const char *btf_path, const char *base_path);

/*
 * Input BTF from the host's memory: @btf (split BTF on top of @base, or
 * @base NULL) stays the host's and is only read; so is @base, always, by
 * both calls. When the pass distills, the new base and split BTF are owned
 * by the context.
 */
int btfids__set_btf(struct btfids *b, struct btf *btf, const struct btf *base);

/*
 * The same for a host that lends its BTF, as pahole does to its plugins:
 * @btf is libbpf's btf__dedup() output, just made by this libbpf, and the
 * pass may change it (Linux 7.3 adds its types to it in place, then
 * deduplicates a copy). The host
 * keeps owning @btf and writes only what btfids__btf() gives back.
 */
int btfids__set_deduped_btf(struct btfids *b, struct btf *btf, const struct btf *base);

/* Collect (unless done), transform, finalize and resolve. */
int btfids__run(struct btfids *b);

/*
 * After a run: the final BTF (parsed from the output on first use; NULL on
 * failure) and its base (NULL for non-split BTF). The input BTF is never
 * modified: the pass writes its result as new bytes.
 */
struct btf *btfids__btf(struct btfids *b);
struct btf *btfids__base_btf(const struct btfids *b);

/* Number of warnings reported (unresolved or ambiguous names). */
unsigned int btfids__warnings(const struct btfids *b);

/*
 * Report "btfids: FILE: what is wrong" through @opts' log callback (stderr
 * when @opts or its callback is NULL): the one form every failure has, for
 * a host's own failures too. Returns -EINVAL.
 */
__attribute__((format(printf, 3, 4)))
int btfids__error(const struct btfids_opts *opts, const char *file, const char *fmt, ...);

/* The releases the pass implements, as "7.2, 7.3". */
const char *btfids__kernels(void);

/* Does the pass implement release @kernel ("7.3", "7.3.0-rc7", ...)? */
bool btfids__kernel_implemented(const char *kernel);

/* Once collected: the release the object is finished for ("7.3"), or NULL. */
const char *btfids__kernel(const struct btfids *b);

/*
 * The bytes of one output, or NULL when the run does not produce it
 * (no .BTF_ids section, or no distilled base). Valid until btfids__free().
 */
const void *btfids__output(struct btfids *b, enum btfids_output which, size_t *size);

/* The file name suffix of an output: ".BTF", ".BTF.base", ".BTF_ids". */
const char *btfids__output_suffix(enum btfids_output which);

/*
 * Write one output to @path through a temporary file renamed into place.
 * An output the run did not produce is not written (0); the BTF always is.
 */
int btfids__write_output(struct btfids *b, enum btfids_output which, const char *path);

/*
 * Write every produced output, named after the final BTF's file @btf_path:
 * the BTF to @btf_path, the distilled base to @btf_path.base, .BTF_ids to
 * @btf_path without a trailing ".BTF", plus ".BTF_ids" (X.BTF gives X.BTF,
 * X.BTF.base, X.BTF_ids). All or nothing: each goes to a temporary file
 * first, and only when every one is complete are they renamed into place;
 * otherwise the temporaries are removed and no file changes.
 */
int btfids__write_named(struct btfids *b, const char *btf_path);

/* btfids__write_named() for <prefix>.BTF: resolve_btfids' file names. */
int btfids__write(struct btfids *b, const char *prefix);

/*
 * Writing in two steps, for a host that writes files of its own in
 * between: btfids__prepare_output() writes one output to a temporary file
 * beside @path only; btfids__commit() renames every prepared one into
 * place; btfids__free() removes those not committed. On failure nothing
 * prepared so far is kept.
 */
int btfids__prepare_output(struct btfids *b, enum btfids_output which, const char *path);
int btfids__commit(struct btfids *b);

/*
 * Replace the bytes of the .BTF_ids section of @elf_path with the contents
 * of @blob_path (sizes must match). The ELF is rewritten atomically: a copy
 * is patched, then renamed over the original.
 */
int btfids__patch_elf(const char *elf_path, const char *blob_path,
		      const struct btfids_opts *opts);

#ifdef __cplusplus
}
#endif

#endif /* __BTFIDS_H */
