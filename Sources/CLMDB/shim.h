#ifndef PLEDGER_CLMDB_SHIM_H
#define PLEDGER_CLMDB_SHIM_H
#include <lmdb.h>
#endif
