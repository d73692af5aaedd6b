# Stand-in for an OpenWrt buildroot's rules.mk (openwrt/check): the
# variables the package Makefile uses, set for this machine. A real
# buildroot sets them for the target (TARGET_CC is its musl cross gcc).
TARGET_CC ?= cc
TARGET_CFLAGS ?= -Os -pipe
TARGET_CPPFLAGS ?=
TARGET_LDFLAGS ?=
PKG_CONFIG ?= pkg-config
INSTALL_DIR := install -d -m0755
INSTALL_BIN := install -m0755
INCLUDE_DIR := $(TOPDIR)
