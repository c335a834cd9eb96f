/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * inspect.h - what the library's own checks (verify.c) read of an object
 * beyond btfids_inspect.h: the row of the release it was read for.
 */
#ifndef __BTFIDS_INSPECT_INTERNAL_H
#define __BTFIDS_INSPECT_INTERNAL_H

#include "btfids_inspect.h"
#include "release.h"

/* NULL unless opened with BTFIDS_OBJECT_RELEASE */
const struct btfids_release *btfids_object_release(const struct btfids_object *o);

#endif /* __BTFIDS_INSPECT_INTERNAL_H */
