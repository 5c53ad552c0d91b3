"""Operations: backups."""
