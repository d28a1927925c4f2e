/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* evidence.h - chain of custody for recordings: each file written, its size, its event count
 * and its SHA-256 (nettle), printed on stderr at exit (impure: reads the files back).
 *
 * A file is noted when it is finished (at rotation, and at exit after its fsync): it is read
 * back from the disk, so the hash is that of the bytes on disk, and its events are counted by
 * the same reader replay uses (the header's start-up snapshot not included).  A name reused by
 * -W keeps its latest note.  At exit every note is printed as
 *	podcg-trace: recorded 'PATH': SIZE bytes, N events
 *	HEX  PATH
 * the second line exactly as sha256sum prints it, so `grep -v '^podcg-trace:' | sha256sum -c`
 * checks the files later. */
#ifndef __PCG_EVIDENCE_H
#define __PCG_EVIDENCE_H

/* Notes the finished recording file @path ("-", stdout, is not noted). */
void pcg_evidence_add(const char *path);
/* Prints the notes on stderr and forgets them. */
void pcg_evidence_print(void);

#endif /* __PCG_EVIDENCE_H */
