/* SPDX-License-Identifier: MIT */
/* The release version, shown by --version and written into every report
 * and index. */
#ifndef KT_VERSION_H
#define KT_VERSION_H

#define KT_VERSION "0.1.0"

#endif
