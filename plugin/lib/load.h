/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * load.h - stage 2: the input BTF. From files (raw BTF or an ELF's .BTF,
 * split on an optional base), checked to fit the base it was built on; or
 * a host's BTF in memory, checked to be split on the base given.
 */
#ifndef __BTFIDS_LOAD_H
#define __BTFIDS_LOAD_H

#include <stdbool.h>

#include "log.h"

struct btf;

/* *@btf (split on *@base if @base_path) from @path; both the caller's. */
int btfids_load_files(struct btfids_log *lg, const char *path, const char *base_path,
		      struct btf **btf, struct btf **base);
/*
 * Does split @btf (from @path) fit @base (from @base_path): same byte
 * order, and every name it takes from the base's strings starts a string
 * there (on another base, they land inside strings)? 0, or an error line.
 */
int btfids_check_base_fits(struct btfids_log *lg, const char *path, const struct btf *btf,
			   const char *base_path, const struct btf *base);
/* A copy of @btf parsed from its bytes, as a file of them would be; NULL: said why. */
struct btf *btfids_copy_btf(struct btfids_log *lg, const char *path, const struct btf *btf);

int btfids_check_host_btf(struct btfids_log *lg, const char *path, const struct btf *btf,
			  const struct btf *base);

#endif /* __BTFIDS_LOAD_H */
