/* SPDX-License-Identifier: GPL-2.0 */
/*
 * btf_ids_fixture.h - test-only producer of ".BTF_ids" sections.
 *
 * Written for the btfids test-suite.  It emits, from top-level asm
 * statements, the same section layout and symbol naming that a Linux
 * build relies on, so that fixtures look to resolve_btfids (and to
 * pahole's kfunc discovery) like kernel objects:
 *
 *   - every resolvable slot is one 4-byte zero word with its own local
 *     STT_OBJECT symbol of size 4 named __BTF_ID__<kind>__<name>__<n>,
 *     <n> being unique inside the translation unit;
 *   - a "flags" slot is such a word followed by one more 4-byte word;
 *   - a set is a 4-byte count word followed by its slots; the symbol
 *     __BTF_ID__set__<name> sits on the count word and its st_size
 *     spans the count word and all slots;
 *   - a set8 is an 8-byte header (count word, flags word) followed by
 *     (id, flags) pairs; __BTF_ID__set8__<name> spans header and pairs;
 *     header flag bit 0 marks a kfunc set.
 *
 * Words are emitted with .zero/.long, so they are in the target's byte
 * order.  Nothing here needs a C library; it is usable with gcc for
 * x86-64, clang --target=i386-linux-gnu and s390x-linux-gnu-gcc.
 */
#ifndef BTF_IDS_FIXTURE_H
#define BTF_IDS_FIXTURE_H

#define FX_SET8_KFUNCS_FLAG	1

/* kfunc flag bits as the kernel assigns them (include/linux/btf.h) */
#define FX_KF_ACQUIRE		(1 << 0)
#define FX_KF_RELEASE		(1 << 1)
#define FX_KF_RET_NULL		(1 << 2)
#define FX_KF_SLEEPABLE		(1 << 5)
#define FX_KF_RCU		(1 << 7)
#define FX_KF_FASTCALL		(1 << 12)
#define FX_KF_ARENA_RET		(1 << 13)
#define FX_KF_ARENA_ARG1	(1 << 14)
#define FX_KF_ARENA_ARG2	(1 << 15)
#define FX_KF_IMPLICIT_ARGS	(1 << 16)

/* token helpers; the extra level lets macro arguments expand first */
#define FX_JOIN2(a, b)		a##b
#define FX_JOIN(a, b)		FX_JOIN2(a, b)
#define FX_TEXT2(x)		#x
#define FX_TEXT(x)		FX_TEXT2(x)

#define FX_ENTER		".pushsection .BTF_ids,\"a\"\n"
#define FX_LEAVE		".popsection\n"

/* one slot: label, 4 zero bytes, then an optional tail (flags word) */
#define FX_SLOT_EMIT(label, tail)				\
	__asm__(FX_ENTER					\
		"\t.local " #label "\n"				\
		"\t.type " #label ", STT_OBJECT\n"		\
		"\t.size " #label ", 4\n"			\
		#label ":\n"					\
		"\t.zero 4\n"					\
		tail						\
		FX_LEAVE);
#define FX_SLOT(label, tail)	FX_SLOT_EMIT(label, tail)

/* __BTF_ID__<kind>__<name>__<counter> */
#define FX_SLOT_NAME(kind, name) \
	FX_JOIN(__BTF_ID__##kind##__##name##__, __COUNTER__)

/* BTF_ID(kind, name): one word to receive the ID of <kind> <name> */
#define FX_ID(kind, name) \
	FX_SLOT(FX_SLOT_NAME(kind, name), "")

/* BTF_ID_FLAGS(kind, name, flags): ID word plus a flags word */
#define FX_ID_FLAGS(kind, name, flags) \
	FX_SLOT(FX_SLOT_NAME(kind, name), "\t.long " FX_TEXT(flags) "\n")

/* BTF_ID_UNUSED: anonymous zero word that nobody resolves */
#define FX_ID_UNUSED \
	__asm__(FX_ENTER "\t.zero 4\n" FX_LEAVE);

/* a bare label starting a list (scope is "local" or "globl") */
#define FX_LABEL(name, scope)					\
	__asm__(FX_ENTER					\
		"\t." #scope " " #name "\n"			\
		#name ":\n"					\
		FX_LEAVE);

/* BTF_ID_LIST / BTF_ID_LIST_GLOBAL */
#define FX_LIST(name)		FX_LABEL(name, local)
#define FX_LIST_GLOBAL(name)	FX_LABEL(name, globl)

/* BTF_SET_START / BTF_SET_START_GLOBAL ... BTF_SET_END */
#define FX_SET_HEAD(name, scope)				\
	FX_LABEL(name, scope)					\
	__asm__(FX_ENTER					\
		"\t." #scope " __BTF_ID__set__" #name "\n"	\
		"__BTF_ID__set__" #name ":\n"			\
		"\t.zero 4\n"					\
		FX_LEAVE);
#define FX_SET_BEGIN(name)		FX_SET_HEAD(name, local)
#define FX_SET_BEGIN_GLOBAL(name)	FX_SET_HEAD(name, globl)
#define FX_SET_FINISH(name)					\
	__asm__(FX_ENTER					\
		"\t.size __BTF_ID__set__" #name ", . - " #name "\n" \
		FX_LEAVE);

/* BTF_SET8_START ... BTF_SET8_END; header flags given explicitly */
#define FX_SET8_HEAD(name, scope, hdrflags)			\
	FX_LABEL(name, local)					\
	__asm__(FX_ENTER					\
		"\t." #scope " __BTF_ID__set8__" #name "\n"	\
		"__BTF_ID__set8__" #name ":\n"			\
		"\t.zero 4\n"					\
		"\t.long " FX_TEXT(hdrflags) "\n"		\
		FX_LEAVE);
#define FX_SET8_BEGIN(name)		FX_SET8_HEAD(name, local, 0)
#define FX_SET8_BEGIN_FLAGS(name, f)	FX_SET8_HEAD(name, local, f)
#define FX_SET8_FINISH(name)					\
	__asm__(FX_ENTER					\
		"\t.size __BTF_ID__set8__" #name ", . - " #name "\n" \
		FX_LEAVE);

/* BTF_KFUNCS_START ... BTF_KFUNCS_END: a set8 flagged as kfuncs */
#define FX_KFUNCS_BEGIN(name) \
	FX_SET8_HEAD(name, local, FX_SET8_KFUNCS_FLAG)
#define FX_KFUNCS_FINISH(name)	FX_SET8_FINISH(name)

/* escape hatch for deliberately malformed symbols in error fixtures */
#define FX_RAW_SLOT(label)	FX_SLOT(label, "")

#endif /* BTF_IDS_FIXTURE_H */
