# pipeline/rules.mk - the driver's make rules (included by the Makefile).
#
# make check-faults: the larger fault suite of issue 8.  The crash test with
# 1000 dropped forms, SIGKILL at every crash point of the FAULT_SYSCALLS
# (strace inject), then every fault script (tests/t6*.sh) FAULT_ROUNDS times
# (default 5) with a new random seed each round.  `make check` runs the
# same scripts once at a size that keeps the suite within about two minutes.

FAULT_ROUNDS ?= 5
FAULT_FILES  ?= 1000
FAULT_SYSCALLS ?= renameat2 rename ioctl mkdir rmdir unlink lsetxattr lremovexattr fsync fdatasync syncfs
FAULT_ERRORS   ?= renameat2:EIO ioctl:EIO mkdir:ENOSPC lsetxattr:ENOTSUP lsetxattr:ENOSPC fsync:EIO syncfs:EIO rename:EIO write:ENOSPC

check-faults: all
	SKEMA_BIN=$(CURDIR)/$(BIN) FAULT_FILES=$(FAULT_FILES) FAULT_SEED=1 \
		bash tests/t6000-crash-recovery.sh
	SKEMA_BIN=$(CURDIR)/$(BIN) FAULT_SYSCALLS="$(FAULT_SYSCALLS)" FAULT_ERRORS="$(FAULT_ERRORS)" \
		bash tests/t6005-crash-points.sh
	@set -e; for round in $$(seq 1 $(FAULT_ROUNDS)); do \
		echo "# fault round $$round"; \
		FAULT_SEED=$$round SKEMA_BIN=$(CURDIR)/$(BIN) prove --timer tests/t6*.sh; \
	done

.PHONY: check-faults
