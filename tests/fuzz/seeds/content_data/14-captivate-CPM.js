cp.D = cp.model.data = {project_main:{slides:'Slide1,Slide2',questions:'Slide2'},
Slide1:{lb:'Intro',si:[{n:'Text_Caption_1',t:19},{n:'Image_1',t:3}]},
Slide2:{lb:'<b>Question</b>',si:[]},
Text_Caption_1:{type:19,mdi:'Text_Caption_1c'},Text_Caption_1c:{ip:'dr/Text_Caption_1.png',accstr:'Hello'},
Image_1:{type:3,oca:'x',mdi:'Image_1c'},Image_1c:{ip:'dr/pic.png'} /* c */, audio:"dr/packed.png"};
