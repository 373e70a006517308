# cc_embed_text(OUT_CPP SYMBOL FILE): compiles FILE's text into the library as
#   extern const char SYMBOL[];
# so that defaults and schemas ship inside libcoursecrew.so (nothing to find
# at run time). Rebuilt when FILE changes.
function(cc_embed_text out_cpp symbol file)
  set(script ${PROJECT_BINARY_DIR}/cc_embed_${symbol}.cmake)
  file(WRITE ${script} "
file(READ \"${file}\" content)
file(WRITE \"${out_cpp}\" \"// Generated from ${file}; do not edit.\\nextern const char ${symbol}[];\\nconst char ${symbol}[] = R\\\"ccembed(\${content})ccembed\\\";\\n\")
")
  add_custom_command(OUTPUT ${out_cpp}
    COMMAND ${CMAKE_COMMAND} -P ${script}
    DEPENDS ${file} ${script}
    COMMENT "Embedding ${file}")
endfunction()
