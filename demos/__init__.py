"""Pure, typed, tested logic for every concept page (never imports streamlit)."""
