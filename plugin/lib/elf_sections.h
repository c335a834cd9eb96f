/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * elf_sections.h - opening an ELF object and finding the sections the pass
 * reads, for collect.c and for --patch_btfids (emit.c): the one place that checks
 * the section header table, the section name table and the sections'
 * bounds, and refuses a second .BTF_ids, symbol table or extended index
 * table.
 */
#ifndef __BTFIDS_ELF_SECTIONS_H
#define __BTFIDS_ELF_SECTIONS_H

#include <gelf.h>
#include <libelf.h>
#include <linux/types.h>

#include "log.h"

#define BTF_IDS_SECTION	".BTF_ids"
#define MODINFO_SECTION	".modinfo"

struct btfids_elf {
	const char *path;
	int fd;			/* -1 for an image in memory */
	Elf *elf;
	size_t file_size;
	size_t shnum;
	Elf_Scn *ids_scn;	/* .BTF_ids, or NULL */
	GElf_Shdr ids_shdr;
	size_t ids_shndx;
	Elf_Scn *sym_scn;	/* SHT_SYMTAB, or NULL */
	GElf_Shdr sym_shdr;
	size_t sym_shndx;
	Elf_Scn *xndx_scn;	/* SHT_SYMTAB_SHNDX, or NULL */
	GElf_Shdr xndx_shdr;
	Elf_Scn *modinfo_scn;	/* .modinfo (a module's), or NULL */
	GElf_Shdr modinfo_shdr;
};

/* @path read-only (fd and mmap), its sections found. */
int btfids_elf_open(struct btfids_log *lg, const char *path, struct btfids_elf *ef);
/* The same for @size bytes of an image already in memory. */
int btfids_elf_open_memory(struct btfids_log *lg, const char *path, void *img, size_t size,
			   struct btfids_elf *ef);
/* Section header @sh (named @name in messages) lies inside the file. */
int btfids_elf_check_bounds(struct btfids_log *lg, const struct btfids_elf *ef,
			    const GElf_Shdr *sh, const char *name);
/* "PATH: WHAT: libelf's reason", -EINVAL */
int btfids_elf_err(struct btfids_log *lg, const struct btfids_elf *ef, const char *what);
void btfids_elf_close(struct btfids_elf *ef);

#endif /* __BTFIDS_ELF_SECTIONS_H */
