// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * verify.c - `btfids verify`: the library's checks (btfids__verify(),
 * btfids_inspect.h) over each object named, the base read once for all.
 *
 *   btfids verify [--kernel R] [--btf FILE] [-b|--btf_base FILE] ELF...
 *
 * One line per problem or warning on stdout, naming the object, then a
 * summary line; an object that cannot be read gets one error line on
 * stderr. Exit 0 when all hold, 1 on problems, 255 when an object or the
 * base cannot be read.
 */
#include <stdio.h>

#include <bpf/btf.h>

#include "btfids_inspect.h"
#include "cmd.h"

static void print_report(void *ctx, const char *elf, bool problem, const char *what)
{
	printf("%s: %s%s\n", elf, problem ? "" : "warning: ", what);
}

int do_verify(struct cmd_args *a)
{
	struct btfids_verify_opts vo = {
		.sz = sizeof(vo), .btf_path = a->btf_path, .base_path = a->base_path,
		.report = print_report,
	};
	unsigned int problems = 0, warnings = 0, bad_objs = 0, unreadable = 0;
	struct btfids_verify_result res;
	int i;

	if (a->btf_path && a->nr_files != 1) {
		btfids__error(&a->opts, a->btf_path, "--btf is one object's BTF: give one object");
		return CMD_EXIT_USAGE;
	}
	if (a->base_path) {
		vo.base = btfids__parse_base(a->base_path, &a->opts);
		if (!vo.base)
			return CMD_EXIT_FAILED;
	}
	for (i = 0; i < a->nr_files; i++) {
		if (btfids__verify(a->files[i], &a->opts, &vo, &res))
			unreadable++;
		problems += res.problems;
		warnings += res.warnings;
		bad_objs += res.problems > 0;
	}
	btf__free(vo.base);
	printf("btfids verify: %d objects: %u with problems (%u problems), %u warnings, %u unreadable\n",
	       a->nr_files, bad_objs, problems, warnings, unreadable);
	if (unreadable)
		return CMD_EXIT_FAILED;
	return problems ? CMD_EXIT_PROBLEMS : 0;
}
