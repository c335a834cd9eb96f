// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * btfids - host command for libbtfids with the command line of Linux 7.2's
 * resolve_btfids, so that `make RESOLVE_BTFIDS=.../btfids` works unchanged:
 *
 *   btfids [-v] [--fatal_warnings] [--btf FILE] [-b|--btf_base FILE]
 *          [--distill_base] [--kernel MAJOR.MINOR] ELF
 *   btfids --patch_btfids FILE ELF
 *   btfids dump [--json] [--btf FILE] [-b|--btf_base FILE] ELF   (dump.c)
 *   btfids verify [--kernel R] [--btf FILE] [-b|--btf_base FILE] ELF...
 *                                                                 (verify.c)
 *
 * A first argument of exactly "dump" or "verify" is the command (an ELF of
 * that name is ./dump).
 * Writes ELF.BTF, ELF.BTF_ids (when ELF has .BTF_ids) and ELF.BTF.base (with
 * --distill_base). Exit codes as resolve_btfids: 0 success, 255 failure,
 * 129 usage. Linux 7.2 accepts --fatal_warnings but its exit status never
 * depends on it (the check comes after success is decided), so kernels with
 * CONFIG_WERROR build despite warnings; btfids keeps that. The ELF is only read,
 * except by --patch_btfids, which replaces it atomically.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "btfids.h"
#include "dump.h"
#include "verify.h"

#define EXIT_FAILED	255
#define EXIT_USAGE	129

struct args {
	struct btfids_opts opts;
	const char *btf_path;
	const char *base_path;
	const char *patch_path;
	const char *elf_path;
};

static int usage(void)
{
	fprintf(stderr,
		"Usage: btfids [<options>] <ELF object>\n"
		"   or: btfids --patch_btfids <.BTF_ids file> <ELF object>\n"
		"\n"
		"    -v, --verbose         be more verbose (repeat for more)\n"
		"    --btf <file>          input BTF (raw, or an ELF's .BTF); default: the ELF's own\n"
		"    -b, --btf_base <file> base BTF of split BTF\n"
		"    --fatal_warnings      accepted; as in Linux 7.2, warnings do not fail\n"
		"    --distill_base        distill the base and write <ELF>.BTF.base\n"
		"    --patch_btfids <file> put a resolved .BTF_ids blob into <ELF>\n"
		"    --kernel <release>    finish for this Linux release (MAJOR.MINOR); default:\n"
		"                          $BTFIDS_KERNEL, else the object's own (linux_banner,\n"
		"                          .modinfo vermagic); implemented: %s\n"
		"\n"
		"       btfids dump [--json] [--btf <file>] [-b|--btf_base <file>] <ELF object>\n"
		"    every .BTF_ids slot and set of <ELF>, and what its value names in the BTF\n"
		"       btfids verify [--kernel <release>] [--btf <file>] [-b|--btf_base <file>] <ELF object>...\n"
		"    check finished objects against their release's rules; exit 0: all hold,\n"
		"    1: problems, 255: unreadable (or a release not implemented)\n",
		btfids__kernels());
	return EXIT_USAGE;
}

enum { OPT_BTF = 256, OPT_FATAL, OPT_DISTILL, OPT_PATCH, OPT_KERNEL };

static int parse_args(int argc, char **argv, struct args *a)
{
	static const struct option longopts[] = {
		{ "verbose",		no_argument,		NULL, 'v' },
		{ "btf",		required_argument,	NULL, OPT_BTF },
		{ "btf_base",		required_argument,	NULL, 'b' },
		{ "fatal_warnings",	no_argument,		NULL, OPT_FATAL },
		{ "distill_base",	no_argument,		NULL, OPT_DISTILL },
		{ "patch_btfids",	required_argument,	NULL, OPT_PATCH },
		{ "kernel",		required_argument,	NULL, OPT_KERNEL },
		{ "help",		no_argument,		NULL, 'h' },
		{}
	};
	int c;

	a->opts.sz = sizeof(a->opts);
	while ((c = getopt_long(argc, argv, "+vb:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'v':
			a->opts.verbose++;
			break;
		case OPT_BTF:
			a->btf_path = optarg;
			break;
		case 'b':
			a->base_path = optarg;
			break;
		case OPT_FATAL:
			break;	/* no effect in Linux 7.2 either */
		case OPT_DISTILL:
			a->opts.distill_base = true;
			break;
		case OPT_PATCH:
			a->patch_path = optarg;
			break;
		case OPT_KERNEL:
			a->opts.kernel = optarg;
			break;
		default:
			return -1;
		}
	}
	if (argc - optind != 1)
		return -1;
	a->elf_path = argv[optind];
	return 0;
}

enum { OPT_JSON = 300 };

/* dump's options; @many: one or more ELFs (left at argv[optind...]) */
static int parse_dump_args(int argc, char **argv, struct btfids_dump_args *a, bool many,
			   struct btfids_opts *opts)
{
	static const struct option longopts[] = {
		{ "json",	no_argument,		NULL, OPT_JSON },
		{ "btf",	required_argument,	NULL, OPT_BTF },
		{ "btf_base",	required_argument,	NULL, 'b' },
		{ "kernel",	required_argument,	NULL, OPT_KERNEL },
		{ "help",	no_argument,		NULL, 'h' },
		{}
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+b:h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON:
			a->json = true;
			break;
		case OPT_BTF:
			a->btf_path = optarg;
			break;
		case 'b':
			a->base_path = optarg;
			break;
		case OPT_KERNEL:
			opts->kernel = optarg;
			break;
		default:
			return -1;
		}
	}
	if (many ? argc - optind < 1 : argc - optind != 1)
		return -1;
	a->elf_path = argv[optind];
	return 0;
}

static int do_dump(int argc, char **argv)
{
	struct btfids_opts opts = { .sz = sizeof(opts) };
	struct btfids_dump_args a = {};

	if (parse_dump_args(argc, argv, &a, false, &opts))
		return usage();
	return btfids_dump(&opts, &a) ? EXIT_FAILED : 0;
}

static int do_verify(int argc, char **argv)
{
	struct btfids_opts opts = { .sz = sizeof(opts) };
	struct btfids_verify_args a = {};
	struct btfids_dump_args d = {};

	/* dump's options without --json */
	if (parse_dump_args(argc, argv, &d, true, &opts) || d.json)
		return usage();
	a.btf_path = d.btf_path;
	a.base_path = d.base_path;
	a.elfs = argv + optind;
	a.nr_elfs = argc - optind;
	if (a.btf_path && a.nr_elfs != 1)
		return usage();
	return btfids_verify(&opts, &a);
}

static int verbosity;

/* libbpf's own messages restate our errors: show them with -v only. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (verbosity < 1 || (level == LIBBPF_DEBUG && verbosity < 2))
		return 0;
	return vfprintf(stderr, fmt, args);
}

static int do_resolve(const struct args *a)
{
	struct btfids *b;
	int err;

	b = btfids__new(a->elf_path, &a->opts);
	if (!b) {
		fprintf(stderr, "btfids: %s: out of memory\n", a->elf_path);
		return EXIT_FAILED;
	}
	err = btfids__collect(b);
	if (!err)
		err = btfids__load_btf(b, a->btf_path, a->base_path);
	if (!err)
		err = btfids__run(b);
	if (!err)
		err = btfids__write(b, a->elf_path);
	btfids__free(b);
	return err ? EXIT_FAILED : 0;
}

int main(int argc, char **argv)
{
	struct args a = {};

	libbpf_set_print(libbpf_print);
	if (argc > 1 && !strcmp(argv[1], "dump"))
		return do_dump(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "verify"))
		return do_verify(argc - 1, argv + 1);
	if (parse_args(argc, argv, &a))
		return usage();
	verbosity = a.opts.verbose;
	if (a.patch_path)
		return btfids__patch_elf(a.elf_path, a.patch_path, &a.opts) ? EXIT_FAILED : 0;
	return do_resolve(&a);
}
