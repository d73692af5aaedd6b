/* Keys as one int: a character as it is, a curses function key (KEY_F(1),
 * KEY_UP, ...) marked with K_FN, since the two ranges overlap. */
#ifndef CTOP_TUI_KEYCODE_H
#define CTOP_TUI_KEYCODE_H

#define K_FN_BIT 0x40000000
#define K_FN(k) (K_FN_BIT | (k))
#define K_IS_FN(k) (((k) & K_FN_BIT) != 0)
#define CTRL(c) ((c) & 0x1f)
#define K_ESC 27

#endif
