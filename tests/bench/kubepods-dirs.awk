# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# kubepods-dirs.awk - prints the cgroup directories of N kubelet-style pods of one container
# each (systemd driver, besteffort, containerd names), random UIDs and ids, parents first:
#   awk -v n=N -v q=PREFIX -f kubepods-dirs.awk
# PREFIX is the QoS directory they go below (e.g. TOP/kubepods.slice/kubepods-besteffort.slice).
BEGIN {
	srand()
	h = "0123456789abcdef"
	for (i = 0; i < n; i++) {
		u = ""
		for (k = 0; k < 32; k++)
			u = u substr(h, int(rand() * 16) + 1, 1)
		u = substr(u, 1, 8) "_" substr(u, 9, 4) "_" substr(u, 13, 4) "_" substr(u, 17, 4) "_" substr(u, 21, 12)
		c = ""
		for (k = 0; k < 64; k++)
			c = c substr(h, int(rand() * 16) + 1, 1)
		p = q "/kubepods-besteffort-pod" u ".slice"
		print p
		print p "/cri-containerd-" c ".scope"
	}
}
