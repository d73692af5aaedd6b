# Stand-in for OpenWrt's include/package.mk (openwrt/check): the package
# is built from the tree in PKG_BUILD_DIR with its MAKE_FLAGS, and its
# install recipe runs into PKG_DEST, as a buildroot would do them.
Build/Compile/Default = $(MAKE) -C $(PKG_BUILD_DIR) $(MAKE_FLAGS) $(1)

# Package/NAME holds SECTION, DEPENDS, ...: assignments, evaluated here.
define BuildPackage
$(Package/$(1))
show:
	@echo 'PKG_NAME=$$(PKG_NAME)'
	@echo 'PKG_VERSION=$$(PKG_VERSION)'
	@echo 'PKG_LICENSE=$$(PKG_LICENSE)'
	@echo 'PKG_LICENSE_FILES=$$(PKG_LICENSE_FILES)'
	@echo 'PKG_MAINTAINER=$$(PKG_MAINTAINER)'
	@echo 'PKG_SOURCE_PROTO=$$(PKG_SOURCE_PROTO)'
	@echo 'PKG_SOURCE_URL=$$(PKG_SOURCE_URL)'
	@echo 'PKG_SOURCE_VERSION=$$(PKG_SOURCE_VERSION)'
	@echo 'PKG_MIRROR_HASH=$$(PKG_MIRROR_HASH)'
	@echo 'SECTION=$$(SECTION)'
	@echo 'DEPENDS=$$(DEPENDS)'
	@echo 'CONFLICTS=$$(CONFLICTS)'
	@echo 'MAKE_FLAGS=$$(strip $$(MAKE_FLAGS))'
compile:
	$(Build/Compile)
install:
	$(call Package/$(1)/install,$(PKG_DEST))
endef
